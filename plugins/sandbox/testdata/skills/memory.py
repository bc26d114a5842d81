"""A memory bomb: allocates and touches 16 MiB at a time."""
from attempt import attempt

chunks = []


def bomb():
    while len(chunks) < 1024:
        chunks.append(bytearray(16 << 20))
    return "%d MiB" % (16 * len(chunks))


attempt("memory-bomb", bomb)
print("held MiB", 16 * len(chunks), flush=True)
