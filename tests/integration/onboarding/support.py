"""Shared test support for onboarding and portal tests: a local SMTP server, clients, invitations by email."""
from __future__ import annotations

import contextlib
import re
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Iterator

LINK_RE = re.compile(r"(https?://\S+/portal/invite/[A-Za-z0-9_\-]+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    def last_link(self) -> str:
        assert self.messages, "no email arrived"
        body = self.messages[-1].get_payload(decode=True).decode()
        match = LINK_RE.search(body)
        assert match, f"no invitation link in: {body!r}"
        return match.group(1)


class _Handler:
    def __init__(self, box: Mailbox):
        self.box = box

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        msg = message_from_bytes(envelope.content)
        msg["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
        self.box.messages.append(msg)
        self.box.arrived.set()
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def running_smtp() -> Iterator[Mailbox]:
    """An SMTP server (aiosmtpd) on 127.0.0.1 and a free port, in a thread, collecting what it receives."""
    from aiosmtpd.controller import Controller

    box = Mailbox("127.0.0.1", free_port())
    controller = Controller(_Handler(box), hostname=box.host, port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def make_client(name: str = "Acme Robotics"):
    from backoffice.workers.services import create_client

    return create_client({"name": name, "state": "CA"})


def make_agency():
    from tests.factories import AgencyFactory

    return AgencyFactory(legal_name="Tandem Staffing LLC", ein="12-3456789", state="CA", address_line1="", city="",
                         postal_code="", suta_rates={})


def invite_data(client_id: int, **kw) -> dict:
    data = {"email": "dana.contractor@example.com", "first_name": "Dana", "last_name": "Reyes",
            "client_id": client_id, "type": "contractor", "work_state": "TX", "pay_rate": "65.00",
            "pay_unit": "hour", "pay_frequency": "biweekly", "start_date": "2026-12-07", "title": "Field engineer"}
    data.update(kw)
    return data


def smtp_config(app_config: dict, box: Mailbox) -> dict:
    return {**app_config, "SMTP_HOST": box.host, "SMTP_PORT": box.port, "INVITE_TTL_HOURS": 72}


def make_paycheck(worker, engagement, *, pay_date, gross: str, federal: str, explanation: list[str]):
    """A posted paycheck written directly (as payroll operations would): gross, federal income tax,
    social security 6.2% and Medicare 1.45% of gross, no deductions; net = gross − taxes."""
    from decimal import Decimal

    from tests.factories import PaycheckFactory, PaycheckLineFactory, PayrollRunFactory

    g, fit = Decimal(gross), Decimal(federal)
    ss = (g * Decimal("0.062")).quantize(Decimal("0.01"))
    med = (g * Decimal("0.0145")).quantize(Decimal("0.01"))
    taxes = fit + ss + med
    run = PayrollRunFactory(pay_date=pay_date)
    p = PaycheckFactory(run=run, engagement=engagement, worker_id=worker.id, gross=g, employee_taxes=taxes,
                        employer_taxes=ss + med)
    for kind, code, amount, steps in (("earning", "salary", g, ["Salary for the period"]),
                                      ("employee_tax", "federal_income_tax", fit, explanation),
                                      ("employee_tax", "social_security", ss, ["6.2% of social security wages"]),
                                      ("employee_tax", "medicare", med, ["1.45% of Medicare wages"])):
        PaycheckLineFactory(paycheck=p, kind=kind, code=code, amount=amount, explanation=steps)
    return p
