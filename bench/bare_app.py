"""The baseline for bench/load.py: a bare Flask endpoint that does one INSERT and nothing else."""

import os

from flask import Flask, request
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"], pool_size=10, max_overflow=10, pool_pre_ping=True)


@app.get("/ping")
def ping():
    return "ok"


@app.post("/bare")
def bare():
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO bench_bare (payload) VALUES (:p)"), {"p": request.form.get("payload", "")})
    return "", 302, {"Location": "/ping"}
