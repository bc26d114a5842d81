#!/usr/bin/env python3
"""docker-inventory: lists the containers it can see through the broker.
A sandboxed (unsigned) skill: it may only read, and Wingman never runs its
action as part of a plan."""
import json
import os
import sys


def call(fd, method, **params):
    os.write(fd, json.dumps({"id": 1, "method": method, "params": params}).encode() + b"\n")
    buf = b""
    while b"\n" not in buf:
        chunk = os.read(fd, 65536)
        if not chunk:
            raise RuntimeError("the broker closed the channel")
        buf += chunk
    return json.loads(buf.split(b"\n", 1)[0])


req = json.load(sys.stdin)
fd = int(os.environ["WINGMAN_BROKER_FD"])
resp = call(fd, "docker.containers", all=True)
json.dump({"ok": "error" not in resp, "output": json.dumps(resp)}, sys.stdout)
