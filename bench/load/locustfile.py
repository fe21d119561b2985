"""Who uses the site at once, for locust: readers, writing colleagues and email subscribers.

Run by bench/load/run.py, which seeds the site and writes the scenario file that
LOAD_SCENARIO names (seeded letters, threads, colleagues, tags, search words, the writers'
accounts, the mail folder and the file where this process records what it did).

- Readers read letters (now and then one a writer has just published, which must show its
  title), whole correspondences, tags and profiles, search, and follow the Atom feeds.
- Writers sign in through the login form, save a draft, publish it, and answer letters.
- Subscribers subscribe the site, follow the confirmation link the sender mails them, wait
  for their first notice and leave through its one-click unsubscribe link (RFC 8058).

Every simulated person sends an address of their own in X-Forwarded-For (the site trusts one
proxy in this scenario), so the per-address limits see 32 people rather than one. Each
request is named by its kind ("/letters/[slug]"), so locust reports p50/p99 per kind; how
long a mail took to arrive is reported as a request of type MAIL.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from locust import HttpUser, between, task
from requests import Response

from bench.load.mailsink import mails_to, text_of

SCENARIO = json.loads(Path(os.environ["LOAD_SCENARIO"]).read_text())
MAIL_FOLDER = Path(SCENARIO["mail_folder"])
RECORD = Path(SCENARIO["record"])
WRITER_ACCOUNTS = iter(SCENARIO["writers"])
PEOPLE = itertools.count(1)
REQUEST_SECONDS = 30
MAIL_WAIT_SECONDS = 45
# Letters the writers published in this run, newest last (one locust process: one list).
PUBLISHED: list[dict[str, str]] = []


def record(kind: str, **facts: str) -> None:
    """Note what was done, for the runner's checks after the run."""
    with RECORD.open("a", encoding="utf-8") as file:
        file.write(json.dumps({"kind": kind, **facts}) + "\n")


def new_client_address() -> str:
    number = next(PEOPLE)
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"


def form_values(html: str, field: str) -> dict[str, str]:
    """What a browser would send from the form of the page's content that has `field`."""
    page = BeautifulSoup(html, "html.parser").find("main")
    form = next(form for form in page.find_all("form") if form.find(attrs={"name": field}))
    values: dict[str, str] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        kind = element.get("type", "text")
        if not name or kind in ("submit", "button", "image", "file"):
            continue
        if element.name == "textarea":
            values[name] = element.text.removeprefix("\r\n").removeprefix("\n")
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            values[name] = chosen.get("value", chosen.text) if chosen else ""
        elif kind not in ("checkbox", "radio") or element.has_attr("checked"):
            values[name] = element.get("value", "on")
    return values


def choices_of(html: str, select_name: str) -> list[str]:
    """The values a select offers, but the empty one ("someone outside")."""
    select = BeautifulSoup(html, "html.parser").find("select", attrs={"name": select_name})
    return [option["value"] for option in select.find_all("option") if option.get("value")]


def words(count: int) -> str:
    return " ".join(random.choice(SCENARIO["words"]) for _ in range(count))


class Visitor(HttpUser):
    """Someone with an address of their own, whose every request must answer as expected."""

    abstract = True

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-For"] = new_client_address()

    def expect(
        self, method: str, path: str, name: str, status: int = 200, shows: str = "", **options: Any
    ) -> Any:
        """The response, counted as a failure unless it has `status` (redirects not followed)
        and, if asked, `shows` the given text."""
        options.setdefault("allow_redirects", False)
        with self.client.request(
            method, path, name=name, timeout=REQUEST_SECONDS, catch_response=True, **options
        ) as response:
            problem = ""
            if response.status_code != status:
                problem = f"{method} {name}: {response.status_code}, expected {status}"
            elif shows and shows not in response.text:
                problem = f"{method} {name}: {shows!r} is not on the page"
            if problem:
                response.failure(problem)
                record("failure", what=f"{problem} ({path})")
            else:
                response.success()
            return response

    def wait_for_mail(
        self, address: str, wanted: Callable[[EmailMessage], bool], name: str
    ) -> EmailMessage | None:
        """The first mail to `address` that is `wanted`; reported with how long it took."""
        started = time.monotonic()
        while time.monotonic() - started < MAIL_WAIT_SECONDS:
            found = [mail for mail in mails_to(MAIL_FOLDER, address) if wanted(mail)]
            if found:
                self.report_mail(name, started, None)
                return found[0]
            time.sleep(0.25)
        problem = f"no {name} for {address} within {MAIL_WAIT_SECONDS} s"
        self.report_mail(name, started, TimeoutError(problem))
        record("failure", what=problem)
        return None

    def report_mail(self, name: str, started: float, error: Exception | None) -> None:
        self.environment.events.request.fire(
            request_type="MAIL",
            name=name,
            response_time=(time.monotonic() - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )


class Reader(Visitor):
    """A signed-out reader: letters, correspondences, search and feeds."""

    weight = 6
    wait_time = between(0.2, 1.5)

    @task(6)
    def letter(self) -> None:
        if PUBLISHED and random.random() < 0.25:
            fresh = random.choice(PUBLISHED[-20:])
            self.expect(
                "GET", f"/letters/{fresh['slug']}", "/letters/[new slug]", shows=fresh["title"]
            )
            return
        self.expect("GET", f"/letters/{random.choice(SCENARIO['letters'])}", "/letters/[slug]")

    @task(2)
    def front_page(self) -> None:
        self.expect("GET", "/", "/")

    @task(2)
    def correspondence(self) -> None:
        self.expect("GET", f"/threads/{random.choice(SCENARIO['threads'])}", "/threads/[slug]")

    @task(3)
    def search(self) -> None:
        query = words(random.randint(1, 2))
        self.expect("GET", "/search", "/search?q=[words]", params={"q": query})

    @task(2)
    def feed(self) -> None:
        feeds = [
            ("/feed.atom", "/feed.atom"),
            (f"/@{random.choice(SCENARIO['handles'])}/feed.atom", "/@[handle]/feed.atom"),
            (f"/tags/{random.choice(SCENARIO['tags'])}/feed.atom", "/tags/[slug]/feed.atom"),
            (
                f"/threads/{random.choice(SCENARIO['threads'])}/feed.atom",
                "/threads/[slug]/feed.atom",
            ),
        ]
        self.expect("GET", *random.choice(feeds))

    @task(1)
    def tag_or_person(self) -> None:
        if random.random() < 0.5:
            self.expect("GET", f"/tags/{random.choice(SCENARIO['tags'])}", "/tags/[slug]")
        else:
            self.expect("GET", f"/@{random.choice(SCENARIO['handles'])}", "/@[handle]")


class Writer(Visitor):
    """A colleague: signs in, saves a draft and publishes it, answers letters, reads."""

    weight = 2
    wait_time = between(1.0, 3.0)

    def on_start(self) -> None:
        super().on_start()
        self.email = next(WRITER_ACCOUNTS)
        page = self.expect("GET", "/auth/login", "/auth/login")
        form = {**form_values(page.text, "password"), "email": self.email}
        form["password"] = SCENARIO["password"]
        self.expect("POST", "/auth/login", "/auth/login (sign in)", 302, data=form)

    @task(3)
    def write_and_publish(self) -> None:
        page = self.expect("GET", "/letters/new", "/letters/new")
        if page.status_code != 200:
            return
        form = form_values(page.text, "body")
        number = next(PEOPLE)
        form.update(
            addressee=random.choice(choices_of(page.text, "addressee")),
            addressee_name="",
            title=f"Brief {number} über {words(3)}",
            body=f"{words(60)}\n\n{words(40)}",
            tags="Load, Engineering",
            save="Save draft",
        )
        saved = self.expect("POST", "/letters/new", "/letters/new (save draft)", 302, data=form)
        slug = saved.headers.get("Location", "").rsplit("/letters/", 1)[-1]
        if saved.status_code != 302 or not slug:
            return
        page = self.expect("GET", f"/letters/{slug}/edit", "/letters/[slug]/edit")
        if page.status_code != 200:
            return
        form = {**form_values(page.text, "body"), "publish": "Publish"}
        done = self.expect(
            "POST", f"/letters/{slug}/edit", "/letters/[slug]/edit (publish)", 302, data=form
        )
        if done.status_code == 302:
            self.published(slug, form["title"], parent="")

    @task(2)
    def answer(self) -> None:
        others = [letter["slug"] for letter in PUBLISHED[-20:] if letter["author"] != self.email]
        parent = random.choice(others + SCENARIO["letters"])
        page = self.expect("GET", f"/letters/{parent}/reply", "/letters/[slug]/reply")
        if page.status_code != 200:
            return
        form = {**form_values(page.text, "body"), "body": words(50), "publish": "Publish"}
        done = self.expect(
            "POST", f"/letters/{parent}/reply", "/letters/[slug]/reply (publish)", 302, data=form
        )
        slug = done.headers.get("Location", "").rsplit("/letters/", 1)[-1]
        if done.status_code == 302 and slug:
            self.published(slug, form["title"], parent=parent)

    @task(3)
    def read_signed_in(self) -> None:
        self.expect("GET", "/", "/ (signed in)")
        self.expect(
            "GET", f"/letters/{random.choice(SCENARIO['letters'])}", "/letters/[slug] (signed in)"
        )

    def published(self, slug: str, title: str, parent: str) -> None:
        letter = {"slug": slug, "title": title, "author": self.email, "parent": parent}
        PUBLISHED.append(letter)
        record("published", **letter)


CONFIRM_LINK = re.compile(r"https?://\S+/subscribe/confirm/\S+")
FIRST_LINK = re.compile(r"<(https?://[^>]+)>")


class Subscriber(Visitor):
    """Someone who follows every new letter by email for a while, then leaves in one click."""

    weight = 1
    wait_time = between(1.0, 3.0)

    @task
    def follow_then_leave(self) -> None:
        # A new person each time: another address, and another client address.
        self.client.headers["X-Forwarded-For"] = new_client_address()
        self.client.cookies.clear()
        address = f"reader{next(PEOPLE)}.{random.randrange(10**6)}@example.net"
        self.expect("GET", "/subscribe", "/subscribe")
        form = {"email": address, "frequency": "instant", "target": "site", "target_id": "0"}
        if self.expect("POST", "/subscribe", "/subscribe (ask)", data=form).status_code != 200:
            return
        mail = self.wait_for_mail(
            address, lambda m: "/subscribe/confirm/" in text_of(m), "confirmation mail arrives"
        )
        if mail is None or not self.confirm(CONFIRM_LINK.search(text_of(mail)).group(0)):
            return
        record("confirmed", email=address)
        notice = self.wait_for_mail(
            address, lambda m: "List-Unsubscribe-Post" in m, "first notice arrives"
        )
        if notice is None:
            return
        link = FIRST_LINK.search(str(notice["List-Unsubscribe"])).group(1)
        left = self.expect(
            "POST", link, "/unsubscribe/[token] (one click)", data={"List-Unsubscribe": "One-Click"}
        )
        if left.status_code == 200:
            record("unsubscribed", email=address)

    def confirm(self, link: str) -> bool:
        """Open the confirmation link and press its button, as a person would."""
        page = self.expect("GET", link, "/subscribe/confirm/[token]")
        if page.status_code != 200:
            return False
        form = form_values(page.text, "csrf_token")
        done: Response = self.expect(
            "POST", link, "/subscribe/confirm/[token] (yes)", shows="You are subscribed", data=form
        )
        return done.status_code == 200 and "You are subscribed" in done.text
