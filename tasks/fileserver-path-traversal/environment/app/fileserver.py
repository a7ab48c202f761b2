#!/usr/bin/env python3
"""Static file server for the team's documentation site.

    python3 fileserver.py [PORT]      (default 8000, listens on 127.0.0.1)

GET /files/<path>          the file /app/public/<path>, inline
GET /download?name=<path>  the file /app/public/<path>, as an attachment
"""
import mimetypes
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = "/app/public"


class Handler(BaseHTTPRequestHandler):
    server_version = "docserver/1.3"

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path.startswith("/files/"):
            self.send_file(unquote(url.path[len("/files/"):]), attachment=False)
        elif url.path == "/download":
            self.send_file(parse_qs(url.query).get("name", [""])[0], attachment=True)
        else:
            self.send_error(404)

    def send_file(self, name, attachment):
        path = os.path.join(ROOT, name)
        if not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, "rb") as fh:
            data = fh.read()
        self.send_response(200)
        self.send_header("Content-Type", mimetypes.guess_type(path)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        if attachment:
            self.send_header("Content-Disposition", f'attachment; filename="{os.path.basename(path)}"')
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
