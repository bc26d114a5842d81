"""A fork bomb: forks until the kernel refuses, every child sleeping, and
writes the pid of the last child to the scratch folder."""
import os
import time

from attempt import attempt

children = []


def bomb():
    while len(children) < 10000:
        pid = os.fork()
        if pid == 0:
            time.sleep(300)
            os._exit(0)
        children.append(pid)
    return "%d children" % len(children)


attempt("fork-bomb", bomb)
with open("last.pid", "w") as f:
    f.write("%d\n" % children[-1])
print("forked", len(children), flush=True)
