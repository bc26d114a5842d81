#!/usr/bin/env python3
"""container-restart: restarts the action's target container through the
Wingman broker and checks that it came back. It holds no credentials: every
Docker call goes over the broker channel (fd WINGMAN_BROKER_FD)."""
import json
import os
import sys

VERSION = "1.0.0"


class Broker:
    def __init__(self, fd):
        self.fd, self.buf, self.n = fd, b"", 0

    def call(self, method, **params):
        self.n += 1
        os.write(self.fd, json.dumps({"id": self.n, "method": method, "params": params}).encode() + b"\n")
        while b"\n" not in self.buf:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise RuntimeError("the broker closed the channel")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        resp = json.loads(line)
        if "error" in resp:
            raise RuntimeError(f"{method}: {resp['error']['code']}: {resp['error']['message']}")
        return resp["result"]


def handle(req, broker):
    verb, action = req["verb"], req["action"]
    target = action["target"]
    if verb == "validate_pre":
        c = broker.call("docker.inspect", name=target)
        return {"ok": True, "message": f"{target} is {c['state']}"}
    if verb == "execute":
        before = broker.call("docker.inspect", name=target)
        broker.call("docker.restart", name=target, timeout_seconds=0)
        return {"ok": True, "output": f"restarted {target} (container-restart {VERSION})",
                "data": {"started_at": before.get("started_at", "")}}
    if verb == "validate_post":
        c = broker.call("docker.inspect", name=target)
        if c["running"] and c.get("started_at") != req["result"]["data"]["started_at"]:
            return {"ok": True}
        return {"ok": False, "message": f"{target} is {c['state']} and was not started anew"}
    if verb == "rollback":
        return {"ok": False, "message": "a restart cannot be undone"}
    return {"ok": False, "message": f"unknown verb {verb}"}


def main():
    req = json.load(sys.stdin)
    try:
        resp = handle(req, Broker(int(os.environ["WINGMAN_BROKER_FD"])))
    except Exception as e:  # the worker reports the message with the task
        resp = {"ok": False, "message": str(e)}
    json.dump(resp, sys.stdout)


main()
