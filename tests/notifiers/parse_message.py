#!/usr/bin/python3
"""Checks one message built by notifiers/message.c against what it should say.

usage: parse_message.py MESSAGE.eml EXPECTED.json

EXPECTED.json: {"from_name", "from_addr", "to": [...], "date", "message_id", "subject",
"body" (LF line ends), "headers": [[name, value], ...] (extra headers, in order),
"attachments": [{"filename", "content_type", "hex"}]}.

Exits 0 when Python's email package (policy.default, the strict modern parser) reads back
exactly those values, finds no defects, and the raw bytes keep the wire rules: CRLF line
ends only, lines of at most 78 characters, RFC 2047 encoded-words of at most 75
characters that each decode to whole UTF-8 characters. Prints every problem, exits 1.
"""
import base64
import email
import email.header
import email.policy
import email.utils
import json
import re
import sys

problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def check_raw(raw):
    check(raw.endswith(b"\r\n"), "message does not end with CRLF")
    lines = raw.split(b"\r\n")
    for n, line in enumerate(lines[:-1], 1):
        check(b"\n" not in line and b"\r" not in line, f"line {n}: bare CR or LF")
        check(len(line) <= 78, f"line {n}: {len(line)} characters > 78: {line[:90]!r}")
        for word in re.findall(rb"=\?[^?]*\?[bBqQ]\?[^?]*\?=", line):
            check(len(word) <= 75, f"line {n}: encoded-word of {len(word)} > 75")
            payload = word.split(b"?")[3]
            try:
                base64.b64decode(payload, validate=True).decode("utf-8")
            except Exception as ex:  # a split character shows up here
                problems.append(f"line {n}: encoded-word {word!r} does not decode alone: {ex}")
    header_end = raw.find(b"\r\n\r\n")
    check(header_end > 0, "no empty line after the headers")
    for n, line in enumerate(raw[:header_end].split(b"\r\n"), 1):
        check(all(b < 0x80 for b in line), f"header line {n}: raw 8-bit byte")
        check(line.strip() != b"" or n == 1, f"header line {n}: whitespace only")


def walk_defects(msg):
    for part in msg.walk():
        for d in part.defects:
            problems.append(f"defect in {part.get_content_type()}: {d!r}")


def main():
    raw = open(sys.argv[1], "rb").read()
    want = json.load(open(sys.argv[2], encoding="utf-8"))
    check_raw(raw)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    walk_defects(msg)
    legacy = email.message_from_bytes(raw, policy=email.policy.compat32)

    frm = msg["From"].addresses
    check(len(frm) == 1, f"From: {len(frm)} addresses")
    if frm:
        check(frm[0].addr_spec == want["from_addr"], f"From addr {frm[0].addr_spec!r}")
        # Python 3.11's phrase parser keeps the folding space between adjacent
        # encoded-words, which RFC 2047 6.2 says to drop; a display name longer than one
        # word (15 Chinese characters) is therefore decoded as RFC 2047 says, by
        # email.header, from the raw header.
        name = frm[0].display_name
        if "=?" in legacy["From"] and name != want["from_name"]:
            phrase = legacy["From"].rsplit("<", 1)[0]
            name = str(email.header.make_header(email.header.decode_header(phrase))).strip()
        check(name == want["from_name"], f"From name {name!r} != {want['from_name']!r}")
    to = [a.addr_spec for a in msg["To"].addresses]
    check(to == want["to"], f"To {to!r} != {want['to']!r}")
    # The parser re-renders dates ("3 Jun" -> "03 Jun"): compare the instant and the bytes.
    check(msg["Date"].datetime == email.utils.parsedate_to_datetime(want["date"]),
          f"Date {str(msg['Date'])!r}")
    check(("\r\nDate: " + want["date"] + "\r\n").encode() in raw, "Date not verbatim")
    check(str(msg["Message-ID"]) == want["message_id"], f"Message-ID {msg['Message-ID']!r}")
    check(str(msg["Subject"]) == want["subject"],
          f"Subject {str(msg['Subject'])!r} != {want['subject']!r}")
    check(msg["MIME-Version"] == "1.0", "MIME-Version")

    names = {h[0] for h in want["headers"]}
    for name in names:
        got = [str(v) for v in msg.get_all(name, [])]
        exp = [h[1] for h in want["headers"] if h[0] == name]
        check(got == exp, f"{name}: {got!r} != {exp!r}")

    body = msg.get_body(preferencelist=("plain",))
    check(body is not None, "no text/plain body")
    if body is not None:
        check(body.get_content_charset() == "utf-8", f"body charset {body.get_content_charset()}")
        check(body["Content-Transfer-Encoding"] == "base64", "body not base64")
        text = body.get_content().replace("\r\n", "\n")
        check(text == want["body"], f"body differs: {text[:80]!r}... != {want['body'][:80]!r}...")

    atts = list(msg.iter_attachments())
    exp_atts = want.get("attachments", [])
    check(len(atts) == len(exp_atts), f"{len(atts)} attachments, want {len(exp_atts)}")
    if exp_atts:
        check(msg.get_content_type() == "multipart/mixed", f"type {msg.get_content_type()}")
    else:
        check(msg.get_content_type() == "text/plain", f"type {msg.get_content_type()}")
    for got, exp in zip(atts, exp_atts):
        check(got.get_filename() == exp["filename"],
              f"attachment name {got.get_filename()!r} != {exp['filename']!r}")
        check(got.get_content_type() == exp["content_type"], f"type {got.get_content_type()}")
        check(got.get_payload(decode=True) == bytes.fromhex(exp["hex"]),
              f"attachment {exp['filename']!r}: bytes differ")

    for p in problems:
        print("parse_message:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
