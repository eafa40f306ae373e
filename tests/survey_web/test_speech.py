"""Pre-recorded read-aloud clips: rendered once per text with espeak-ng + opusenc, served by the app."""

from __future__ import annotations

from question_banks import scale_levels
from survey_web import banks, speech

from ..factories import make_point


def test_clip_names_are_content_hashes_and_only_for_mandarin():
    """Same text and voice, same name; simplified and traditional differ; English devices get no clips."""
    assert speech.clip_name("您满意吗？", "zh-CN") == speech.clip_name("您满意吗？", "zh-CN")
    assert speech.clip_name("您满意吗？", "zh-CN") != speech.clip_name("您滿意嗎？", "zh-TW")
    assert speech.clip_name("Are you happy?", "en") is None and speech.clip_name("", "zh-CN") is None


def test_everything_read_aloud_is_listed(app):
    """Every wording, plain wording, option, scale word and the role question, in both Chinese scripts."""
    with app.test_request_context():
        pairs = set(speech.everything(banks.all_current().values()))
        inpatient = banks.current("inpatient")
        for lang in ("zh-CN", "zh-TW"):
            for question in inpatient.questions:
                assert (lang, question.text[lang]) in pairs
                assert not question.plain or (lang, question.plain[lang]) in pairs
            assert all((lang, level.short[lang]) in pairs for level in scale_levels(na=True))
        assert {("zh-CN", "您是"), ("zh-CN", "家属或陪护"), ("zh-TW", "家屬或陪護")} <= pairs


def test_sync_renders_each_clip_once_and_the_app_serves_it(make_app, tmp_path):
    """Clips are Ogg Opus files of a few kilobytes; a second sync makes none; the URL serves it for good."""
    app = make_app(AUDIO_DIR=str(tmp_path))
    pairs = [("zh-CN", "这次来看病，您总体满意吗？"), ("zh-TW", "這次來看病，您整體滿意嗎？"), ("en", "Happy?")]
    with app.test_request_context():
        assert speech.render_clips(pairs) == (2, 0)
        assert speech.render_clips(pairs) == (0, 2)
        url = speech.clip_url(pairs[0][1], "zh-CN")
    clip = tmp_path / url.rsplit("/", 1)[1]
    assert clip.read_bytes()[:4] == b"OggS" and 500 < clip.stat().st_size < 40_000
    reply = app.test_client().get(url)
    assert reply.status_code == 200 and reply.mimetype == "audio/ogg"
    assert "max-age=31536000" in reply.headers["Cache-Control"]
    assert app.test_client().get("/audio/..%2Fsurvey.db").status_code == 404
    assert app.test_client().get("/audio/" + "0" * 24 + ".opus").status_code == 404


def test_page_names_clips_only_where_they_exist(make_app, db, tmp_path):
    """A wording with a rendered clip carries data-say; without clips the page carries none."""
    app = make_app(AUDIO_DIR=str(tmp_path))
    with app.app_context():
        token = make_point().token
    client = app.test_client()
    assert "data-say" not in client.get(f"/s/{token}").get_data(as_text=True)
    plain = banks.current("outpatient").question("overall").plain["zh-CN"]
    with app.test_request_context():
        speech.render_clips([("zh-CN", plain)])
    html = client.get(f"/s/{token}").get_data(as_text=True)
    assert html.count("data-say") == 1 and f'data-say="/audio/{speech.clip_name(plain, "zh-CN")}"' in html


def test_sync_says_plainly_when_the_engine_is_missing(make_app, monkeypatch):
    """Without espeak-ng the sync still versions the banks and says read-aloud falls back to device voices."""
    app = make_app()
    monkeypatch.setattr(speech, "missing_engines", lambda: ["espeak-ng"])
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["banks", "sync"])
    assert result.exit_code == 0 and "outpatient: version row" in result.output
    assert "espeak-ng not installed" in result.output and "device's own voice" in result.output
