"""The baseline for bench/load.py: a bare Flask endpoint that does one INSERT and nothing else."""

import os

from flask import Flask, request
from sqlalchemy import create_engine, text

from survey_web.config import engine_options

app = Flask(__name__)
# The app's own pool settings, so the two endpoints differ only in what a request does.
engine = create_engine(os.environ["DATABASE_URL"], **engine_options(os.environ["DATABASE_URL"]))


@app.get("/ping")
def ping():
    return "ok"


@app.post("/bare")
def bare():
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO bench_bare (payload) VALUES (:p)"), {"p": request.form.get("payload", "")})
    return "", 302, {"Location": "/ping"}
