#!/usr/bin/env python3
"""A local OAuth2 token service for the tests, in the Microsoft identity
platform's shape, on loopback. Started by start-mail-servers.sh when
MAIL_OAUTH2=1 (stopped by stop-mail-servers.sh).

  usage: oauth2-token-service.py HOST PORT LOGFILE

Endpoints (any tenant in the path):
  POST /<tenant>/oauth2/v2.0/devicecode   device authorization (RFC 8628)
  POST /<tenant>/oauth2/v2.0/token        grants: device_code, refresh_token
                                          (rotated on every use), client_credentials
  POST /introspect                        RFC 7662, for Dovecot's oauth2 passdb
Control endpoints for the tests (JSON in, JSON out), everything per client_id
so that tests running side by side do not disturb each other:
  POST /control/approve   {"user_code", "username"}   the administrator signs in
  POST /control/client    {"client_id", "client_secret" or "certificate_pem", "username"}
                          registers an application (client-credentials flow; with a
                          certificate, its RS256 client assertion is checked with openssl)
  POST /control/lifetime  {"client_id", "seconds"}    access-token lifetime
  POST /control/revoke    {"client_id"}               revokes its refresh tokens
  POST /control/expire    {"client_id"}               expires its access tokens
  GET  /control/stats?client_id=...                   what happened so far
Tokens are random; nothing is written to disk. Token values are never logged.
"""

import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
LOCK = threading.Lock()
DEVICE = {}  # device_code -> {client_id, user_code, expires, username, used}
USER_CODES = {}  # user_code -> device_code
REFRESH = {}  # refresh token -> {client_id, username, revoked}
ACCESS = {}  # access token -> {client_id, username, expires}
CLIENTS = {}  # client_id -> {secret, username}
LIFETIME = {}  # client_id -> seconds
STATS = {}  # client_id -> {event: count}
DEFAULT_LIFETIME = 3600
LOG = None


def log(msg):
    LOG.write(time.strftime("%H:%M:%S ") + msg + "\n")
    LOG.flush()


def count(client_id, event):
    STATS.setdefault(client_id, {}).setdefault(event, 0)
    STATS[client_id][event] += 1


def issue(client_id, username, refresh=True):
    lifetime = LIFETIME.get(client_id, DEFAULT_LIFETIME)
    access = "at-" + secrets.token_hex(24)
    ACCESS[access] = {"client_id": client_id, "username": username, "expires": time.time() + lifetime}
    body = {"token_type": "Bearer", "access_token": access, "expires_in": lifetime, "ext_expires_in": lifetime}
    if refresh:
        rt = "rt-" + secrets.token_hex(24)
        REFRESH[rt] = {"client_id": client_id, "username": username, "revoked": False}
        body["refresh_token"] = rt
    count(client_id, "issued")
    return body


def error(code, description, status=400):
    return status, {"error": code, "error_description": description}


def device_code(form):
    client_id = form.get("client_id", "")
    if not client_id:
        return error("invalid_request", "AADSTS900144: client_id is missing")
    dc = secrets.token_hex(16)
    uc = secrets.token_hex(4).upper()
    DEVICE[dc] = {"client_id": client_id, "user_code": uc, "expires": time.time() + 900,
                  "username": None, "used": False}
    USER_CODES[uc] = dc
    count(client_id, "device_code")
    log(f"device code for {client_id} (user code {uc})")
    uri = "https://microsoft.com/devicelogin"
    return 200, {"device_code": dc, "user_code": uc, "verification_uri": uri, "expires_in": 900,
                 "interval": 1,
                 "message": f"To sign in, use a web browser to open the page {uri} and enter the code {uc} to authenticate."}


def token(form):
    grant = form.get("grant_type", "")
    client_id = form.get("client_id", "")
    if grant == DEVICE_GRANT:
        d = DEVICE.get(form.get("device_code", ""))
        if d is None or d["client_id"] != client_id or d["used"]:
            return error("invalid_grant", "AADSTS70000: the device code is not valid")
        if time.time() > d["expires"]:
            return error("expired_token", "AADSTS70020: the device code has expired")
        if d["username"] is None:
            count(client_id, "pending")
            return error("authorization_pending", "AADSTS70016: the user has not signed in yet")
        d["used"] = True
        count(client_id, "device_grant")
        log(f"device grant for {client_id}: {d['username']}")
        return 200, issue(client_id, d["username"])
    if grant == "refresh_token":
        rt = form.get("refresh_token", "")
        r = REFRESH.get(rt)
        if r is None or r["revoked"] or r["client_id"] != client_id:
            count(client_id, "refresh_refused")
            log(f"refresh refused for {client_id}")
            return error("invalid_grant", "AADSTS70008: The provided authorization code or refresh "
                         "token has expired due to inactivity or was revoked.")
        r["revoked"] = True  # rotation: a refresh token is used once
        count(client_id, "refresh")
        log(f"refresh for {client_id}: {r['username']}")
        return 200, issue(client_id, r["username"])
    if grant == "client_credentials":
        c = CLIENTS.get(client_id)
        if c is not None and c.get("certificate_pem"):
            why = check_assertion(c, client_id, form)
            if why:
                count(client_id, "client_refused")
                log(f"client assertion of {client_id} refused: {why}")
                return error("invalid_client", f"AADSTS700027: Client assertion failed: {why}", 401)
        elif c is None or not secrets.compare_digest(c["secret"], form.get("client_secret", "")):
            count(client_id, "client_refused")
            return error("invalid_client", "AADSTS7000215: Invalid client secret provided.", 401)
        count(client_id, "client_credentials")
        log(f"client credentials for {client_id}")
        return 200, issue(client_id, c["username"], refresh=False)
    return error("unsupported_grant_type", f"grant_type {grant!r} is not supported")


def b64url(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def check_assertion(client, client_id, form):
    """An RFC 7523 assertion: x5t of the registered certificate, our client
    id as issuer and subject, not expired, RS256 signature (openssl)."""
    if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
        return "client_assertion_type"
    try:
        h, c, sig = form.get("client_assertion", "").split(".")
        header, claims = json.loads(b64url(h)), json.loads(b64url(c))
    except ValueError:
        return "not a JWT"
    der = subprocess.run(["openssl", "x509", "-outform", "DER"], input=client["certificate_pem"].encode(),
                         capture_output=True, check=True).stdout
    x5t = base64.urlsafe_b64encode(hashlib.sha1(der).digest()).decode().rstrip("=")
    if header.get("alg") != "RS256" or header.get("x5t") != x5t:
        return "unknown certificate (x5t)"
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        return "iss/sub"
    if not str(claims.get("aud", "")).endswith("/oauth2/v2.0/token") or claims.get("exp", 0) < time.time():
        return "aud/exp"
    with tempfile.TemporaryDirectory() as d:
        cert, signature = os.path.join(d, "cert.pem"), os.path.join(d, "sig")
        with open(cert, "w") as f:
            f.write(client["certificate_pem"])
        with open(signature, "wb") as f:
            f.write(b64url(sig))
        pub = subprocess.run(["openssl", "x509", "-pubkey", "-noout", "-in", cert],
                             capture_output=True, check=True).stdout
        with open(os.path.join(d, "pub.pem"), "wb") as f:
            f.write(pub)
        ok = subprocess.run(["openssl", "dgst", "-sha256", "-verify", os.path.join(d, "pub.pem"),
                             "-signature", signature], input=f"{h}.{c}".encode(), capture_output=True)
    return None if ok.returncode == 0 else "bad signature"


def introspect(form):
    a = ACCESS.get(form.get("token", ""))
    if a is None or time.time() >= a["expires"]:
        if a is not None:
            count(a["client_id"], "introspect_expired")
        log("introspection: inactive")
        return 200, {"active": False}
    count(a["client_id"], "introspect_active")
    log(f"introspection: active for {a['username']}")
    return 200, {"active": True, "username": a["username"], "client_id": a["client_id"],
                 "exp": int(a["expires"])}


def control(path, body):
    cid = body.get("client_id", "")
    if path == "/control/approve":
        dc = USER_CODES.get(body.get("user_code", ""))
        if dc is None:
            return 404, {"error": "no such user code"}
        DEVICE[dc]["username"] = body["username"]
        return 200, {"ok": True}
    if path == "/control/client":
        CLIENTS[cid] = {"secret": body.get("client_secret", ""), "username": body["username"],
                        "certificate_pem": body.get("certificate_pem")}
        return 200, {"ok": True}
    if path == "/control/lifetime":
        LIFETIME[cid] = int(body["seconds"])
        return 200, {"ok": True}
    if path == "/control/revoke":
        n = 0
        for r in REFRESH.values():
            if r["client_id"] == cid and not r["revoked"]:
                r["revoked"] = True
                n += 1
        log(f"revoked {n} refresh token(s) of {cid}")
        return 200, {"revoked": n}
    if path == "/control/expire":
        n = 0
        for a in ACCESS.values():
            if a["client_id"] == cid and a["expires"] > time.time():
                a["expires"] = time.time()
                n += 1
        log(f"expired {n} access token(s) of {cid}")
        return 200, {"expired": n}
    return 404, {"error": "not found"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # our own log, without token values
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/control/stats":
            cid = parse_qs(url.query).get("client_id", [""])[0]
            with LOCK:
                self.reply(200, dict(STATS.get(cid, {})))
        elif url.path == "/health":
            self.reply(200, {"ok": True})
        else:
            self.reply(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace")
        path = urlsplit(self.path).path
        try:
            with LOCK:
                if path.startswith("/control/"):
                    status, body = control(path, json.loads(raw or "{}"))
                else:
                    form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
                    if path.endswith("/oauth2/v2.0/devicecode"):
                        status, body = device_code(form)
                    elif path.endswith("/oauth2/v2.0/token"):
                        status, body = token(form)
                    elif path == "/introspect":
                        status, body = introspect(form)
                    else:
                        status, body = 404, {"error": "not found"}
        except (KeyError, ValueError) as e:
            status, body = 400, {"error": "invalid_request", "error_description": str(e)}
        self.reply(status, body)


def main():
    global LOG
    host, port, logfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    LOG = open(logfile, "a", encoding="utf-8")
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    log(f"listening on {host}:{port}")
    server.serve_forever()


if __name__ == "__main__":
    main()
