#!/usr/bin/env python3
"""Writes a backlog of application emails into a Maildir (the sponsor's
INBOX on the test Dovecot), for bench/e2e.sh.

The emails are drawn from the application emails of the project's fixtures
and of ../shared/corpus (every format: Word, spreadsheets, PDF, ODF, csv,
body text, HTML, forwards), each given its own sender (a care-home
address, home<i>@carehomes.test, which the test Postfix delivers
to the catch-all mailbox), Message-ID and Date, with threading headers and
Reply-To removed, and its CQC number rewritten in every part (text, HTML,
csv, the XML inside Word/Excel/ODF files, PDF content streams) to one of the
same length unique to the email, so that each is a new application of its
own: the daemon links a second application for a live CQC number, or from a
home with a live case, to that case instead of opening another. A template
whose number cannot be rewritten (as `sponsor-intake parse` checks; today
only the winmail.dat one) is left out and named.
Every BIG_EVERY-th email also carries a large attachment (a scanned photo of
BIG_MB megabytes), as care homes sometimes send.

  usage: e2e_backlog.py BIN MAILDIR N BIG_EVERY BIG_MB OUT_LIST SOURCE_DIR...
OUT_LIST gets one line per email: "<message-id> <care-home address>".
"""
import base64
import email
import email.policy
import glob
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib

DOMAIN = "example.test"
DROP = {b"from", b"to", b"cc", b"bcc", b"message-id", b"date", b"in-reply-to",
        b"references", b"reply-to", b"sender", b"return-path", b"delivered-to",
        b"return-receipt-to", b"disposition-notification-to"}


def applications(dirs):
    """(name, raw bytes, CQC number) of every email whose .expected.json says
    application."""
    out = []
    for d in dirs:
        for eml in sorted(glob.glob(os.path.join(d, "*.eml"))):
            exp = eml[:-4] + ".expected.json"
            try:
                expected = json.load(open(exp))
            except (OSError, ValueError):
                continue
            if expected.get("kind") == "application":
                cqc = (expected.get("form") or {}).get("cqc_registration_number")
                out.append((os.path.basename(eml), open(eml, "rb").read(), cqc))
    return out


# Between two characters of a CQC number as typed: spaces, dashes, Word's en
# dash, XML tags (a number split across runs), a PDF string split by kerning.
SEP = rb"(?:\s|-|\xe2\x80[\x93\x94]|<[^<>]{0,200}>|\)\s*-?[0-9.]*\s*\()*"


def number_pattern(cqc):
    chars = [re.escape(c.encode()) for c in cqc if c.isalnum()]
    return re.compile(SEP.join(chars)) if chars else None


def new_number(cqc, i):
    """A number of the same shape as `cqc`, unique to email i."""
    alnum = [c for c in cqc if c.isalnum()]
    digits = f"{i:0{len(alnum)}d}"[-len(alnum):]
    out = []
    for k, c in enumerate(alnum):
        if k == 0 and c == "1":
            out.append("1")  # CQC location ids start 1-
        elif k == 1 and c.isdigit():
            out.append("9")
        elif c.isdigit():
            out.append(digits[k])
        else:
            out.append(chr(ord("A") + int(digits[k])))
    return "".join(out)


def rewrite_outside_markup(text, new):
    """The alphanumerics of `text` outside XML tags and PDF kerning numbers,
    replaced by `new`'s in order."""
    out, k, i = bytearray(), 0, 0
    while i < len(text):
        b = text[i:i + 1]
        if b == b"<" and b">" in text[i:]:
            j = text.index(b">", i) + 1
            out += text[i:j]
            i = j
            continue
        m = re.match(rb"\)\s*-?[0-9.]*\s*\(", text[i:]) if b == b")" else None
        if m:
            out += m.group(0)
            i += len(m.group(0))
            continue
        if b.isalnum() and k < len(new):
            out += new[k].encode()
            k += 1
        else:
            out += b
        i += 1
    return bytes(out)


def rewrite_zip(data, pattern, new):
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.endswith((".xml", ".rels")) or info.filename == "content.xml":
                body = pattern.sub(lambda m: rewrite_outside_markup(m.group(0), new), body)
            kind = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(info, body, compress_type=kind)
    return buf.getvalue()


def rewrite_pdf(data, pattern, new):
    """Rewrites the number in the PDF's content streams (inflating and
    deflating FlateDecode ones) and rebuilds a classic xref table."""
    def stream(m):
        dict_, body = m.group(1), m.group(2)
        flate, a85 = b"/FlateDecode" in dict_, b"/ASCII85Decode" in dict_
        try:
            plain = base64.a85decode(body.strip(), adobe=True) if a85 else body
            plain = zlib.decompress(plain) if flate else plain
        except (zlib.error, ValueError):
            return m.group(0)
        changed = pattern.sub(lambda x: rewrite_outside_markup(x.group(0), new), plain)
        if changed == plain:
            return m.group(0)
        body = zlib.compress(changed) if flate else changed
        body = base64.a85encode(body, adobe=True, wrapcol=76)[2:] if a85 else body
        dict_ = re.sub(rb"/Length\s+\d+(\s+0\s+R)?", b"/Length " + str(len(body)).encode(), dict_, count=1)
        return dict_ + b"stream\r\n" + body + b"\r\nendstream"
    out = re.sub(rb"(<<(?:(?!stream).){0,2000}?>>\s*)stream\r?\n(.*?)\r?\n?endstream", stream, data, flags=re.S)
    out = pattern.sub(lambda x: rewrite_outside_markup(x.group(0), new), out) if out == data else out
    return rebuild_xref(out)


def rebuild_xref(pdf):
    m = re.search(rb"\nxref\r?\n0 (\d+)\r?\n", pdf)
    if not m:
        return pdf
    offsets = {int(o.group(1)): o.start(1) for o in re.finditer(rb"(?:^|[\r\n])(\d+) 0 obj", pdf)}
    count = int(m.group(1))
    table = [b"0000000000 65535 f \n"] + [
        (b"%010d 00000 n \n" % offsets[k]) if k in offsets else b"0000000000 65535 f \n"
        for k in range(1, count)]
    start = m.start() + 1
    trailer = pdf.index(b"trailer", start)
    head = pdf[:start]
    body = b"xref\n0 %d\n" % count + b"".join(table)
    tail = pdf[trailer:]
    tail = re.sub(rb"startxref\s+\d+", b"startxref\n%d" % len(head), tail)
    return head + body + tail


def rewrite_cqc(raw, cqc, new):
    """The email with its CQC number replaced everywhere, or None."""
    pattern = number_pattern(cqc or "")
    if pattern is None:
        return None
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in msg.walk():
        if part.is_multipart():
            continue
        data = part.get_payload(decode=True)
        if not data:
            continue
        try:
            if data[:2] == b"PK":
                changed = rewrite_zip(data, pattern, new)
            elif data[:5] == b"%PDF-":
                changed = rewrite_pdf(data, pattern, new)
            else:
                changed = pattern.sub(lambda m: rewrite_outside_markup(m.group(0), new), data)
        except (zipfile.BadZipFile, ValueError, AttributeError):
            continue
        if changed != data:
            set_payload(part, changed)
    return msg.as_bytes()


def set_payload(part, data):
    cte = (part.get("Content-Transfer-Encoding") or "").strip().lower()
    if cte == "base64":
        part.set_payload(base64.encodebytes(data).decode("ascii"))
    elif cte == "quoted-printable":
        import quopri
        part.set_payload(quopri.encodestring(data).decode("ascii"))
    else:
        part.set_payload(data.decode("ascii", "surrogateescape"))


def parsed_cqc(bin_, raw):
    with tempfile.NamedTemporaryFile(suffix=".eml") as f:
        f.write(raw)
        f.flush()
        out = subprocess.run([bin_, "parse", "--json", f.name], capture_output=True, timeout=60)
    try:
        return json.loads(out.stdout)["form"].get("cqc_registration_number")
    except (ValueError, KeyError, TypeError):
        return None


def usable(bin_, sources):
    """The templates whose CQC number is rewritten as parse reads it."""
    keep, dropped = [], []
    for name, raw, cqc in sources:
        if not cqc:
            keep.append((name, raw, None))  # nothing to link it by
            continue
        probe = new_number(cqc, 4242)
        rewritten = rewrite_cqc(raw, cqc, probe)
        got = parsed_cqc(bin_, rewritten) if rewritten else None
        if got and re.sub(r"\W", "", got) == re.sub(r"\W", "", probe):
            keep.append((name, raw, cqc))
        else:
            dropped.append(f"{name} (read {got!r} after rewriting to {probe!r})")
    return keep, dropped


def split(raw):
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = raw.find(sep)
        if i >= 0:
            return raw[:i], raw[i + len(sep):], sep[: len(sep) // 2]
    return raw, b"", b"\n"


def header_lines(head):
    """Unfolded logical header lines, each with its continuation lines."""
    lines, cur = [], []
    for line in head.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t") and cur:
            cur.append(line)
        else:
            if cur:
                lines.append(b"".join(cur))
            cur = [line]
    if cur:
        lines.append(b"".join(cur))
    return lines


def readdress(raw, sender, mid, date, eol):
    head, body, _ = split(raw)
    kept = [l for l in header_lines(head)
            if l.split(b":", 1)[0].strip().lower() not in DROP]
    kept = [l if l.endswith(b"\n") else l + eol for l in kept]
    new = [f"From: Care Home Manager <{sender}>", f"To: NHSmail Sponsorship <sponsor@{DOMAIN}>",
           f"Message-ID: <{mid}>", f"Date: {date}"]
    return eol.join(h.encode() for h in new) + eol + b"".join(kept) + eol + body


def with_big_attachment(raw, mb, eol):
    """Wraps the email in a multipart/mixed with a large JPEG beside it."""
    head, body, _ = split(raw)
    lines = header_lines(head)
    keep, content = [], []
    for l in lines:
        name = l.split(b":", 1)[0].strip().lower()
        (content if name in (b"content-type", b"content-transfer-encoding", b"mime-version") else keep).append(l)
    keep = [l if l.endswith(b"\n") else l + eol for l in keep]
    content = [l if l.endswith(b"\n") else l + eol for l in content if not l.lower().startswith(b"mime-version")]
    if not content:
        content = [b"Content-Type: text/plain; charset=us-ascii" + eol]
    boundary = b"=_bench_big_attachment_="
    blob = base64.encodebytes(random.randbytes(mb * 1024 * 1024)).replace(b"\n", eol)
    return (b"".join(keep) + b"MIME-Version: 1.0" + eol
            + b'Content-Type: multipart/mixed; boundary="' + boundary + b'"' + eol + eol
            + b"--" + boundary + eol + b"".join(content) + eol + body + eol
            + b"--" + boundary + eol
            + b'Content-Type: image/jpeg; name="site photos scanned.jpg"' + eol
            + b"Content-Transfer-Encoding: base64" + eol
            + b'Content-Disposition: attachment; filename="site photos scanned.jpg"' + eol + eol
            + blob + b"--" + boundary + b"--" + eol)


def main():
    bin_, maildir, n, big_every, big_mb, out_list = sys.argv[1:7]
    n, big_every, big_mb = int(n), int(big_every), int(big_mb)
    sources, dropped = usable(bin_, applications(sys.argv[7:]))
    for d in dropped:
        print(f"e2e_backlog: left out {d}")
    if not sources:
        sys.exit("e2e_backlog: no usable application emails in " + " ".join(sys.argv[7:]))
    random.seed(20261124)
    run = os.path.basename(os.path.dirname(os.path.abspath(out_list)))
    new = os.path.join(maildir, "new")
    listed, big, size = [], 0, 0
    host = os.uname().nodename
    for i in range(n):
        name, raw, cqc = sources[i % len(sources)]
        _, _, eol = split(raw)
        home = f"home{i}@carehomes.test"
        mid = f"bench.{i}.{run}@carehomes.test"
        date = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
        if cqc:
            raw = rewrite_cqc(raw, cqc, new_number(cqc, i))
        msg = readdress(raw, home, mid, date, eol)
        if big_every and i % big_every == big_every - 1:
            msg = with_big_attachment(msg, big_mb, eol)
            big += 1
        # Maildir delivery: write in tmp, rename into new, as an MDA does.
        base = f"{int(time.time())}.B{i}R{random.getrandbits(32):08x}.{host}"
        tmp = os.path.join(maildir, "tmp", base)
        with open(tmp, "wb") as f:
            f.write(msg)
        os.chown(tmp, 65534, 65534)
        os.rename(tmp, os.path.join(new, base))
        listed.append(f"{mid} {home}")
        size += len(msg)
    with open(out_list, "w") as f:
        f.write("\n".join(listed) + "\n")
    print(f"e2e_backlog: {n} emails from {len(sources)} application templates, "
          f"{big} with a {big_mb} MB attachment, {size / 1e6:.1f} MB in all")


if __name__ == "__main__":
    main()
