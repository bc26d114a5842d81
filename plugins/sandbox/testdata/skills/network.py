"""Tries to reach the network: TCP and UDP to a port the test listens on,
listening, and the other socket families."""
import socket
import sys

from attempt import attempt

tcp_port, udp_port = int(sys.argv[1]), int(sys.argv[2])


def connect():
    s = socket.create_connection(("127.0.0.1", tcp_port), timeout=5)
    s.sendall(b"escaped\n")
    return "connected"


def listen(family, host):
    def fn():
        s = socket.socket(family, socket.SOCK_STREAM)
        s.bind((host, 0))
        s.listen()
        return "listening on %d" % s.getsockname()[1]
    return fn


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"escaped\n", ("127.0.0.1", udp_port))
    return "sent"


def family(fam, kind):
    return lambda: "opened fd %d" % socket.socket(fam, kind).fileno()


def abstract_unix():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind("\0wingman-escape")
    return "bound"


attempt("tcp-connect", connect)
attempt("tcp-listen", listen(socket.AF_INET, "127.0.0.1"))
attempt("tcp6-listen", listen(socket.AF_INET6, "::1"))
attempt("udp-send", udp)
attempt("unix-abstract", abstract_unix)
attempt("netlink", family(socket.AF_NETLINK, socket.SOCK_RAW))
attempt("packet", family(socket.AF_PACKET, socket.SOCK_RAW))
attempt("socketpair", lambda: "pair %d" % socket.socketpair()[0].fileno())
