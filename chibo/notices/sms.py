"""SMS senders. `console` (the default) prints the message; `http` posts it to an SMS gateway.

The gateway's request and response follow the JSON API that Vietnamese gateways commonly offer
(eSMS.vn's SendMultipleMessage_V4_post_json, for example; docs/notices.md gives the shapes):
a POST of {ApiKey, SecretKey, Phone, Content, Brandname, SmsType, IsUnicode, RequestId} answered by
{CodeResult, SMSID, ErrorMessage}, CodeResult "100" meaning accepted. RequestId is the attempt's own
key, so a send repeated after a lost answer is dropped by the gateway instead of sent twice.
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

log = logging.getLogger(__name__)


@dataclass
class SmsResult:
    ok: bool
    ref: str = ""
    reason: str = ""


class ConsoleSender:
    unicode = True

    def send(self, *, phone: str, text: str, request_id: str) -> SmsResult:
        log.info("SMS tới %s: %s", phone, text)
        print(f"[SMS] {phone}: {text}")  # noqa: T201 — the console backend's whole purpose
        return SmsResult(ok=True, ref=f"console-{request_id}")


class HttpGatewaySender:
    def __init__(self, *, url: str, api_key: str, secret: str, sender: str, unicode: bool, timeout: float):
        self.url, self.api_key, self.secret, self.sender = url, api_key, secret, sender
        self.unicode, self.timeout = unicode, timeout

    def send(self, *, phone: str, text: str, request_id: str) -> SmsResult:
        payload = {
            "ApiKey": self.api_key,
            "SecretKey": self.secret,
            "Phone": phone,
            "Content": text,
            "Brandname": self.sender,
            "SmsType": "2",  # brandname customer care
            "IsUnicode": "1" if self.unicode else "0",
            "RequestId": request_id,
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 — configured URL
                answer = json.loads(response.read().decode("utf-8") or "{}")
        except TimeoutError:
            return SmsResult(ok=False, reason="Cổng SMS không trả lời (quá thời gian chờ).")
        except urllib.error.HTTPError as exc:
            return SmsResult(ok=False, reason=f"Cổng SMS báo lỗi HTTP {exc.code}.")
        except (urllib.error.URLError, OSError) as exc:
            if isinstance(getattr(exc, "reason", None), TimeoutError):
                return SmsResult(ok=False, reason="Cổng SMS không trả lời (quá thời gian chờ).")
            return SmsResult(ok=False, reason=f"Không kết nối được cổng SMS ({exc}).")
        except ValueError:
            return SmsResult(ok=False, reason="Cổng SMS trả lời không đúng định dạng JSON.")
        code = str(answer.get("CodeResult", ""))
        if code == "100":
            return SmsResult(ok=True, ref=str(answer.get("SMSID", "")))
        message = str(answer.get("ErrorMessage") or "").strip()
        return SmsResult(ok=False, reason=f"Cổng SMS từ chối (mã {code or '?'}){': ' + message if message else ''}.")


def sender():
    conf = settings.CHIBO_SMS
    if conf["BACKEND"] == "http":
        return HttpGatewaySender(
            url=conf["URL"],
            api_key=conf["API_KEY"],
            secret=conf["SECRET"],
            sender=conf["SENDER"],
            unicode=conf["UNICODE"],
            timeout=conf["TIMEOUT"],
        )
    return ConsoleSender()
