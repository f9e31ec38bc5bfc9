"""A scripted remote_write receiver for tests/e2e/remote_write_errors.sh.

Answers the requests in the order of its script (status[:Retry-After]),
then 204, and logs each request (arrival time, status answered, headers) as
one JSON line, so the test checks what the agent sent and when.
Usage: remote_write_receiver.py PORT LOG STATUS[:RETRY_AFTER]...
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

port, log_path, script = int(sys.argv[1]), sys.argv[2], list(sys.argv[3:])


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        answer = script.pop(0) if script else "204"
        status, _, retry_after = answer.partition(":")
        with open(log_path, "a") as log:
            log.write(json.dumps({"time": time.time(), "status": int(status), "bytes": len(body),
                                  "headers": {k.lower(): v for k, v in self.headers.items()}}) + "\n")
        self.send_response(int(status))
        if retry_after:
            self.send_header("Retry-After", retry_after)
        message = b"" if status == "204" else b"scripted failure\n"
        self.send_header("Content-Length", str(len(message)))
        self.end_headers()
        self.wfile.write(message)

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", port), Receiver).serve_forever()
