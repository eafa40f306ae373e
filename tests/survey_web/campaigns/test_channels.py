"""E-mail through a real local SMTP server (aiosmtpd) and the printed letters with their QR codes."""

from __future__ import annotations

import email
import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from survey_web.campaigns import letters, sending
from survey_web.models import Invitation, Message

from .conftest import imported


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("bounce"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _rows(contacts):
    return [[f"E{i}", f"病人{i}", "", "W1", "2026-11-20", c] for i, c in enumerate(contacts)]


def test_email_invitations_arrive_once_with_link_and_unsubscribe(campaign, fu_app, fu_db, smtp, tmp_path):
    inbox, port = smtp
    fu_app.config.update(FOLLOWUP_SMTP_HOST="127.0.0.1", FOLLOWUP_SMTP_PORT=port)
    from survey_web.campaigns.importing import import_file

    from .conftest import write_list

    path = write_list(tmp_path / "e.csv", _rows(["a@example.cn", "bounce@example.cn"]),
                      header=["住院号", "姓名", "联系电话", "病区", "出院日期", "邮箱"])
    import_file(campaign, path)
    report = sending.send_due("email")
    assert (report["sent"], report["failed"]) == (1, 1)
    assert sending.send_due("email")["sent"] == 0
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    token = fu_db.session.scalar(select(Invitation.token).join(Message).where(Message.state == "sent",
                                                                             Message.kind == "invite"))
    body = mail.get_payload(decode=True).decode("utf-8")
    assert f"/f/{token}" in body and "病人0" in body
    assert mail["List-Unsubscribe"] == f"<http://survey.test/f/{token}/stop>"
    ref = fu_db.session.scalar(select(Message.client_ref).where(Message.state == "sent"))
    assert ref in mail["Message-ID"]


def test_an_unreachable_smtp_server_defers(campaign, fu_app, fu_db, smtp, tmp_path):
    _inbox, port = smtp
    fu_app.config.update(FOLLOWUP_SMTP_HOST="127.0.0.1", FOLLOWUP_SMTP_PORT=1)  # nothing listens there
    from survey_web.campaigns.importing import import_file

    from .conftest import write_list

    import_file(campaign, write_list(tmp_path / "e.csv", _rows(["a@example.cn"]),
                                     header=["住院号", "姓名", "联系电话", "病区", "出院日期", "邮箱"]))
    assert sending.send_due("email")["deferred"] == 1


def test_letters_print_with_a_scannable_code_for_the_invitation(campaign, fu_db, tmp_path):
    """Patients without phone or e-mail get a letter: HTML and PDF, its QR code opens their invitation."""
    imported(campaign, tmp_path, [["L1", "周九", "", "W2", "2026-11-20"]])
    assert sending.send_due("letter")["sent"] == 1
    run = letters.print_run(campaign.id)
    token = fu_db.session.scalar(select(Invitation.token))
    assert len(run) == 1 and run[0].link.endswith(f"/f/{token}")
    html = letters.letters_html(run)
    assert "周九" in html and "<svg" in html and "骨科病区" in html
    assert letters.letters_pdf(run).startswith(b"%PDF")
    fu_db.session.execute(update(Invitation).values(admission_hash=None))  # after the purge: no letters
    assert letters.print_run(campaign.id) == []
