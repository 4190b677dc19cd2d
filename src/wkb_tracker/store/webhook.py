"""Posting a reminder to a work-chat group robot (企业微信 / 钉钉), issue 15.3.

Two documented formats:

- 企业微信 (WeCom) group robot: POST `{"msgtype": "markdown", "markdown": {"content": …}}` to the
  robot's webhook URL (`…/cgi-bin/webhook/send?key=…`).
- 钉钉 (DingTalk) custom robot: POST `{"msgtype": "markdown", "markdown": {"title": …, "text": …}}`
  to `…/robot/send?access_token=…`; with 加签 (signing), the URL also carries
  `&timestamp=<ms>&sign=<urlencode(base64(HMAC-SHA256(secret, "<ms>\\n<secret>")))>`.

Standard library only (`urllib.request`). Each attempt has a timeout; a 5xx answer, a timeout or a
refused connection is retried a bounded number of times with back-off; a 4xx answer, or a robot
that answers `errcode != 0`, is not (the message or the configuration is wrong, retrying will not
help). Nothing here touches the records.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

WECOM = "wecom"
DINGTALK = "dingtalk"
KINDS = (WECOM, DINGTALK)
TIMEOUT_S = 10.0
ATTEMPTS = 3
BACKOFF_S = 1.0  # then 2 s, 4 s, …
# Both robots refuse long messages (企业微信 markdown: 4096 bytes; 钉钉 is larger); a digest that
# would be cut is cut here, visibly, rather than refused there.
MAX_CONTENT_BYTES = 4000


class DeliveryError(Exception):
    """The message could not be delivered; `str()` is one line saying why."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """What would be (or was) sent: the URL (signed, for 钉钉) and the JSON body."""

    url: str
    body: dict[str, object]

    def body_bytes(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉's 加签: base64(HMAC-SHA256(key=secret, msg="<timestamp>\\n<secret>")), URL-encoded."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))


def _fit(text: str) -> str:
    data = text.encode("utf-8")
    if len(data) <= MAX_CONTENT_BYTES:
        return text
    cut = data[: MAX_CONTENT_BYTES - 20].decode("utf-8", "ignore")
    return cut.rsplit("\n", 1)[0] + "\n\n…(truncated)"


def build(
    kind: str,
    url: str,
    title: str,
    markdown: str,
    *,
    secret: str | None = None,
    now_ms: Callable[[], int] | None = None,
) -> Delivery:
    """The request for `kind` (wecom | dingtalk). A secret signs a 钉钉 request; 企业微信's robot
    has no signing (its key is in the URL)."""
    text = _fit(markdown)
    if kind == WECOM:
        return Delivery(url, {"msgtype": "markdown", "markdown": {"content": text}})
    if kind != DINGTALK:
        raise ValueError(kind)
    if secret:
        stamp = (now_ms or (lambda: int(time.time() * 1000)))()
        joiner = "&" if urllib.parse.urlsplit(url).query else "?"
        url = f"{url}{joiner}timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"
    return Delivery(url, {"msgtype": "markdown", "markdown": {"title": title, "text": text}})


def _robot_error(data: bytes) -> str | None:
    """Both robots answer HTTP 200 with `{"errcode": 0, "errmsg": "ok"}`; anything else in
    errcode is a refusal (bad key, bad signature, too long, rate-limited)."""
    try:
        answer = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None  # not the robots' JSON (a proxy?): the HTTP status said success
    if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
        return f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"
    return None


def send(
    delivery: Delivery,
    *,
    timeout: float | None = None,
    attempts: int | None = None,
    backoff: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """POST the delivery; returns the number of attempts it took. Raises `DeliveryError` (one
    line) when every attempt failed or the robot refused the message. Unset arguments take the
    module's TIMEOUT_S, ATTEMPTS and BACKOFF_S (read at call time)."""
    timeout = TIMEOUT_S if timeout is None else timeout
    attempts = ATTEMPTS if attempts is None else max(1, attempts)
    backoff = BACKOFF_S if backoff is None else backoff
    if urllib.parse.urlsplit(delivery.url).scheme not in ("http", "https"):
        raise DeliveryError(f"not an http(s) URL: {delivery.url.split('?', 1)[0]}")
    data = delivery.body_bytes()
    last = ""
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(
            delivery.url,
            data=data,
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                refused = _robot_error(answer.read())
            if refused is not None:
                raise DeliveryError(f"the robot refused the message ({refused})")
            return attempt
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code} {error.reason}"
            if error.code < 500:
                raise DeliveryError(last) from None
        except TimeoutError:
            last = f"no answer within {timeout:g} s"
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, TimeoutError):
                last = f"no answer within {timeout:g} s"
            else:
                last = str(reason)
        except OSError as error:  # connection reset mid-answer and the like
            last = str(error) or type(error).__name__
        if attempt < attempts:
            sleep(backoff * 2 ** (attempt - 1))
    raise DeliveryError(f"{last} (after {attempts} attempts)")
