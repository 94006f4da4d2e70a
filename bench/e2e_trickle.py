#!/usr/bin/env python3
"""The trickle phase of bench/e2e.sh: applications delivered one at a time
into the sponsor's INBOX (IMAP APPEND) while the daemon idles, each waited
for until its receipt lands in the care home's mailbox.

Latency = the moment the receipt file was created in the care home's Maildir
(Dovecot's LMTP names it <seconds>.M<microseconds>P<pid>...) minus the moment
just before the APPEND was sent, both on this machine's clock.

  usage: e2e_trickle.py COUNT HOMES_MAILDIR OUT_JSON
  (HOMES_MAILDIR: where the test Postfix delivers mail for trickle<i>@carehomes.test)
  environment: MAIL_HOST, IMAP_PORT (from the servers' mail.env)
"""
import email
import email.policy
import imaplib
import json
import os
import re
import sys
import time

FORM = """Hello,

Please find our application for NHSmail accounts below.

Applicant name: Jane Carer
Job role: Registered Manager
Contact email: {home}
Name of care home: Trickle House {i}
Address: 12 Rose Lane, Leeds
Postcode: LS1 4AB
Telephone: 0113 496 0123
CQC registration number: 1-{cqc}
IG Toolkit / DSPT completed? Yes - Standards Met, published 30 June 2026
Do you already have NHSmail accounts? No
Regular secure data exchange needed? Yes - hospital discharge letters
How many individual accounts? 1
  1. Jane Carer (07700 900111)
Shared mailbox needed? No
What benefits do you expect? Faster, safer discharge letters.

Regards
Jane
"""


def receipt_times(new_dir, seen):
    """(In-Reply-To ids, arrival time) of receipt files not seen before."""
    out = []
    for name in os.listdir(new_dir):
        if name in seen:
            continue
        seen.add(name)
        m = re.match(r"(\d+)\.M(\d+)P", name)
        with open(os.path.join(new_dir, name), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.compat32)
        at = int(m.group(1)) + int(m.group(2)) / 1e6 if m else os.stat(os.path.join(new_dir, name)).st_mtime
        out.append((re.findall(r"<([^>]+)>", msg.get("In-Reply-To", "")), at))
    return out


def percentile(xs, p):
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, round(p / 100 * (len(xs) - 1))))
    return xs[k]


def main():
    count, maildir, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    new_dir = os.path.join(maildir, "new")
    seen = set(os.listdir(new_dir))
    imap = imaplib.IMAP4(os.environ["MAIL_HOST"], int(os.environ["IMAP_PORT"]))
    imap.login("sponsor@example.test", "sponsor-secret")
    run = os.path.basename(os.path.dirname(os.path.abspath(out)))
    latencies, missing = [], 0
    for i in range(count):
        home = f"trickle{i}@carehomes.test"  # its own home: no live case to join
        mid = f"trickle.{i}.{run}@carehomes.test"
        body = FORM.format(home=home, i=i, cqc=800000000 + i).replace("\n", "\r\n")
        raw = (f"From: Jane Carer <{home}>\r\nTo: NHSmail Sponsorship <sponsor@example.test>\r\n"
               f"Subject: NHSmail application - Trickle House {i}\r\n"
               f"Date: {email.utils.formatdate()}\r\nMessage-ID: <{mid}>\r\n"
               "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body)
        sent = time.time()
        typ, _ = imap.append("INBOX", None, None, raw.encode())
        if typ != "OK":
            sys.exit(f"APPEND failed: {typ}")
        arrived = None
        deadline = time.time() + 30
        while arrived is None and time.time() < deadline:
            for ids, at in receipt_times(new_dir, seen):
                if mid in ids:
                    arrived = at
            if arrived is None:
                time.sleep(0.005)
        if arrived is None:
            missing += 1
        else:
            latencies.append(arrived - sent)
        time.sleep(0.2)  # one at a time: let the daemon go back to IDLE
    imap.logout()
    result = {"count": count, "received": len(latencies), "missing": missing}
    if latencies:
        result.update(p50=percentile(latencies, 50), p99=percentile(latencies, 99),
                      max=max(latencies), mean=sum(latencies) / len(latencies))
    json.dump(result, open(out, "w"))
    print("e2e_trickle: " + json.dumps(result))


if __name__ == "__main__":
    main()
