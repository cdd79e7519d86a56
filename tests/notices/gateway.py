"""A local SMS gateway for tests, answering like the Vietnamese gateways Chibo's http sender speaks to
(chibo.notices.sms): it can accept, refuse, fail with HTTP 500 or stall past the client's timeout."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGateway:
    def __init__(self):
        self.requests: list[dict] = []  # every request received, in order
        self.accepted: dict[str, dict] = {}  # RequestId → the message, once (the gateway drops repeats)
        self.modes: list[str] = []  # what to do with the next requests; empty: accept
        self.stall_seconds = 1.5
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
                gateway.requests.append(body)
                mode = gateway.modes.pop(0) if gateway.modes else "ok"
                if mode == "stall":
                    time.sleep(gateway.stall_seconds)
                if mode == "http500":
                    self.send_response(500)
                    self.end_headers()
                    return
                if mode == "refuse":
                    answer = {"CodeResult": "99", "ErrorMessage": "Brandname chưa đăng ký"}
                else:
                    gateway.accepted.setdefault(body["RequestId"], body)
                    answer = {"CodeResult": "100", "SMSID": f"sms-{len(gateway.accepted)}"}
                data = json.dumps(answer).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the stall)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/MainService.svc/json/SendMultipleMessage_V4_post_json/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
