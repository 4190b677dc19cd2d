"""The group-robot sender against a real HTTP server on 127.0.0.1 (no outside network)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from wkb_tracker.store import webhook


class Robot:
    """A fake 企业微信/钉钉 robot: answers from a script of (status, body, delay) per request and
    keeps every request's path and JSON body; verifies 钉钉 signatures when given a secret."""

    def __init__(self, script: list[tuple[int, dict[str, Any], float]], secret: str | None = None):
        self.script = script
        self.secret = secret
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.signed_ok: list[bool] = []
        self.release = threading.Event()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                robot.requests.append((self.path, body))
                if robot.secret is not None:
                    query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                    stamp = query["timestamp"][0]
                    expected = base64.b64encode(
                        hmac.new(
                            robot.secret.encode(),
                            f"{stamp}\n{robot.secret}".encode(),
                            hashlib.sha256,
                        ).digest()
                    ).decode()
                    robot.signed_ok.append(query["sign"][0] == expected)
                index = min(len(robot.requests), len(robot.script)) - 1
                status, answer, delay = robot.script[index]
                if delay:
                    robot.release.wait(delay)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout test)

        return Handler


OK = (200, {"errcode": 0, "errmsg": "ok"}, 0.0)


@pytest.fixture
def serve() -> Iterator[Callable[[Robot], str]]:
    servers: list[tuple[ThreadingHTTPServer, Robot]] = []

    def start(robot: Robot) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), robot.handler())
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        servers.append((server, robot))
        return f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=t0k"

    yield start
    for server, robot in servers:
        robot.release.set()
        server.shutdown()
        server.server_close()


def no_sleep(_seconds: float) -> None:
    pass


def test_webhook__wecom_payload_shape(serve: Callable[[Robot], str]) -> None:
    robot = Robot([OK])
    url = serve(robot)
    attempts = webhook.send(webhook.build("wecom", url, "标题", "## 胡军\n- 东湖高新区 差 1 次"))
    assert attempts == 1
    assert robot.requests == [
        (
            "/robot/send?access_token=t0k",
            {"msgtype": "markdown", "markdown": {"content": "## 胡军\n- 东湖高新区 差 1 次"}},
        )
    ]


def test_webhook__dingtalk_signed_and_verified_by_the_server(
    serve: Callable[[Robot], str],
) -> None:
    robot = Robot([OK], secret="SEC0123abc")
    url = serve(robot)
    delivery = webhook.build(
        "dingtalk",
        url,
        "包区服务提醒",
        "### 胡军\n正文",
        secret="SEC0123abc",
        now_ms=lambda: 1764570000123,
    )
    webhook.send(delivery)
    path, body = robot.requests[0]
    assert body == {
        "msgtype": "markdown",
        "markdown": {"title": "包区服务提醒", "text": "### 胡军\n正文"},
    }
    assert "timestamp=1764570000123&sign=" in path and path.startswith(
        "/robot/send?access_token=t0k&"
    )
    assert robot.signed_ok == [True]


def test_webhook__retry_on_5xx_then_success(serve: Callable[[Robot], str]) -> None:
    robot = Robot([(502, {}, 0.0), (503, {}, 0.0), OK])
    waits: list[float] = []
    attempts = webhook.send(
        webhook.build("wecom", serve(robot), "t", "x"), attempts=3, backoff=0.5, sleep=waits.append
    )
    assert attempts == 3 and len(robot.requests) == 3
    assert waits == [0.5, 1.0]  # back-off doubles


def test_webhook__retries_exhausted_is_one_line(serve: Callable[[Robot], str]) -> None:
    robot = Robot([(500, {}, 0.0)])
    with pytest.raises(webhook.DeliveryError) as caught:
        webhook.send(webhook.build("wecom", serve(robot), "t", "x"), attempts=3, sleep=no_sleep)
    assert len(robot.requests) == 3
    assert str(caught.value) == "HTTP 500 Internal Server Error (after 3 attempts)"


def test_webhook__timeout_is_retried_and_reported(serve: Callable[[Robot], str]) -> None:
    robot = Robot([(200, {"errcode": 0}, 5.0)])
    with pytest.raises(webhook.DeliveryError) as caught:
        webhook.send(
            webhook.build("wecom", serve(robot), "t", "x"),
            timeout=0.2,
            attempts=2,
            sleep=no_sleep,
        )
    assert len(robot.requests) == 2
    assert "no answer within 0.2 s (after 2 attempts)" in str(caught.value)


def test_webhook__4xx_and_robot_refusal_are_not_retried(serve: Callable[[Robot], str]) -> None:
    robot = Robot([(200, {"errcode": 310000, "errmsg": "sign not match"}, 0.0)])
    with pytest.raises(webhook.DeliveryError, match="310000"):
        webhook.send(webhook.build("dingtalk", serve(robot), "t", "x"), sleep=no_sleep)
    assert len(robot.requests) == 1
    robot = Robot([(404, {}, 0.0)])
    with pytest.raises(webhook.DeliveryError, match="HTTP 404"):
        webhook.send(webhook.build("wecom", serve(robot), "t", "x"), sleep=no_sleep)
    assert len(robot.requests) == 1


def test_webhook__refused_connection(serve: Callable[[Robot], str]) -> None:
    robot = Robot([OK])
    url = serve(robot)
    port = urllib.parse.urlsplit(url).port
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert free != port
    with pytest.raises(webhook.DeliveryError, match="after 2 attempts"):
        webhook.send(
            webhook.build("wecom", f"http://127.0.0.1:{free}/x", "t", "x"),
            attempts=2,
            sleep=no_sleep,
        )


def test_webhook__long_digest_is_cut_visibly() -> None:
    text = "\n".join(f"- 第 {i} 行 东湖高新区 差 1 次" for i in range(400))
    delivery = webhook.build("wecom", "http://127.0.0.1:9/x", "t", text)
    content = delivery.body["markdown"]["content"]  # type: ignore[index]
    assert len(content.encode()) <= webhook.MAX_CONTENT_BYTES
    assert content.endswith("…(truncated)")
