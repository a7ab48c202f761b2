#!/usr/bin/env python3
"""Inventory service: a tiny HTTP API configured by /app/config/service.ini.

    python3 service.py --check   validate the configuration and exit
    python3 service.py           serve until interrupted
"""
import configparser
import json
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONFIG = os.environ.get("INVENTORY_CONFIG", "/app/config/service.ini")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class ConfigError(Exception):
    pass


def duration_seconds(text):
    m = re.fullmatch(r"(\d+)([smh])", text)
    if not m:
        raise ConfigError(f"bad duration {text!r} (use e.g. 90s, 30m, 2h)")
    return int(m.group(1)) * {"s": 1, "m": 60, "h": 3600}[m.group(2)]


def load(path=CONFIG):
    parser = configparser.ConfigParser()
    try:
        with open(path) as fh:
            parser.read_file(fh)
        s, db, auth, log = parser["server"], parser["database"], parser["auth"], parser["logging"]
        cfg = {
            "host": s.get("host"),
            "port": s.getint("port"),
            "workers": s.getint("workers"),
            "database_url": db.get("url"),
            "pool_size": db.getint("pool_size"),
            "token_secret": auth.get("token_secret"),
            "session_ttl_seconds": duration_seconds(auth.get("session_ttl")),
            "log_level": log.get("level"),
            "log_file": log.get("file"),
        }
    except (OSError, configparser.Error, KeyError, ValueError) as exc:
        raise ConfigError(f"{type(exc).__name__}: {exc}") from exc
    if not cfg["host"]:
        raise ConfigError("server.host is empty")
    if not 1 <= cfg["port"] <= 65535:
        raise ConfigError("server.port out of range")
    if cfg["workers"] < 1:
        raise ConfigError("server.workers must be >= 1")
    if not (cfg["database_url"] or "").startswith("sqlite:///"):
        raise ConfigError("database.url must be a sqlite:/// URL")
    if len(cfg["token_secret"] or "") < 16:
        raise ConfigError("auth.token_secret must have at least 16 characters")
    if cfg["log_level"] not in LEVELS:
        raise ConfigError(f"logging.level must be one of {', '.join(LEVELS)}")
    if not os.path.isdir(os.path.dirname(cfg["log_file"] or "/nonexistent/x")):
        raise ConfigError(f"directory of logging.file does not exist: {cfg['log_file']}")
    return cfg


def summary(cfg):
    shown = dict(cfg)
    shown["token_secret"] = "***"
    return shown


def serve(cfg):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/health":
                self.send_error(404)
                return
            body = json.dumps({"status": "ok", "workers": cfg["workers"], "log_level": cfg["log_level"]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *args):
            with open(cfg["log_file"], "a") as fh:
                fh.write("%s %s\n" % (self.address_string(), fmt % args))

    ThreadingHTTPServer((cfg["host"], cfg["port"]), Handler).serve_forever()


def main(argv):
    try:
        cfg = load()
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 1
    if "--check" in argv:
        print("config OK")
        print(json.dumps(summary(cfg), indent=2))
        return 0
    serve(cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
