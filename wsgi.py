from survey_web import create_app
app = create_app()
