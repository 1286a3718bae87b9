#!/usr/bin/env python3
"""Unit tests of scripts/bench/lib/media_sessions.py (the benchmarks' session maker):
bencode, SDP and reply parsing, and both clients against fake servers that check what
they are sent (an ng server on UDP loopback, an rtpproxy server on a Unix stream socket)."""
import importlib.util
import os
import socket
import sys
import tempfile
import threading
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = os.path.join(HERE, "..", "..", "scripts", "bench", "lib", "media_sessions.py")
spec = importlib.util.spec_from_file_location("media_sessions", LIB)
ms = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ms)


def read(path):
    with open(path) as f:
        return f.read()


class Bencode(unittest.TestCase):
    def test_round_trip(self):
        v = {"command": "offer", "call-id": "c1", "n": 42, "direction": ["acc", "core"],
             "nested": {"z": -1, "a": ""}}
        self.assertEqual(ms.bdecode(ms.bencode(v)), v)

    def test_known_encoding_sorts_keys(self):
        self.assertEqual(ms.bencode({"b": 1, "a": "xy"}), b"d1:a2:xy1:bi1ee")

    def test_bad_input(self):
        for bad in (b"", b"d", b"i12", b"5:abc", b"l1:ae trailing", b"x", b"di1ei2ee"):
            with self.assertRaises(ms.ProtocolError, msg=bad):
                ms.bdecode(bad)
        with self.assertRaises(TypeError):
            ms.bencode(True)


class Parsing(unittest.TestCase):
    def test_sdp_session_connection(self):
        s = "v=0\r\nc=IN IP4 198.18.2.1\r\nt=0 0\r\nm=audio 30012 RTP/AVP 0\r\n"
        self.assertEqual(ms.sdp_media_addr(s), ("198.18.2.1", 30012))

    def test_sdp_media_connection_wins(self):
        s = ("v=0\nc=IN IP4 10.0.0.1\nm=video 5000 RTP/AVP 96\nc=IN IP4 10.0.0.9\n"
             "m=audio 6000 RTP/AVP 0\nc=IN IP4 10.0.0.2\nm=audio 7000 RTP/AVP 0\n")
        self.assertEqual(ms.sdp_media_addr(s), ("10.0.0.2", 6000))

    def test_sdp_without_audio(self):
        with self.assertRaises(ms.ProtocolError):
            ms.sdp_media_addr("v=0\r\nc=IN IP4 10.0.0.1\r\n")

    def test_own_sdp_parses(self):
        self.assertEqual(ms.sdp_media_addr(ms.sdp("198.18.1.2", 20000, 1)), ("198.18.1.2", 20000))

    def test_rtpp_replies(self):
        self.assertEqual(ms.rtpp_reply_addr("30000 198.18.2.1\n"), ("198.18.2.1", 30000))
        for bad in ("E7\n", "0\n", "30000\n", ""):
            with self.assertRaises(ms.ProtocolError, msg=bad):
                ms.rtpp_reply_addr(bad)


class FakeNg(threading.Thread):
    """Answers offer/answer/delete/ping like rtpengine: checks the request, echoes the
    cookie, hands out ports from 30000 (core on offer, acc on answer)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1", 0))
        self.port = self.s.getsockname()[1]
        self.seen = []
        self.next_port = 30000

    def run(self):
        while True:
            data, peer = self.s.recvfrom(65536)
            cookie, _, body = data.partition(b" ")
            req = ms.bdecode(body)
            self.seen.append(req)
            cmd = req["command"]
            if cmd == "ping":
                ans = {"result": "pong"}
            elif cmd in ("offer", "answer"):
                ip = "198.18.2.1" if cmd == "offer" else "198.18.1.1"
                ans = {"result": "ok", "sdp": ms.sdp(ip, self.next_port, 9)}
                self.next_port += 2
            elif cmd == "delete":
                ans = {"result": "ok"}
            else:
                ans = {"result": "error", "error-reason": "unknown"}
            if req.get("call-id") == "srbench-3":
                ans = {"result": "error", "error-reason": "no ports"}
            self.s.sendto(b"stale " + ms.bencode({"result": "ok"}), peer)  # skipped
            self.s.sendto(cookie + b" " + ms.bencode(ans), peer)


class FakeRtpproxy(threading.Thread):
    """One command per connection; U answers a core port, L an access port."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.bind(path)
        self.s.listen(8)
        self.seen = []

    def run(self):
        while True:
            c, _ = self.s.accept()
            line = c.recv(4096).decode()
            self.seen.append(line)
            w = line.split()
            i = int(w[1].split("-")[1]) if len(w) > 1 and "-" in w[1] else 0
            if w[0] == "U":
                c.sendall(f"{30000 + 2 * i} 198.18.2.1\n".encode())
            elif w[0] == "L":
                c.sendall(f"{20000 + 2 * i} 198.18.1.1\n".encode())
            elif w[0] == "V":
                c.sendall(b"20040306\n")
            else:
                c.sendall(b"0\n")
            c.close()


class Clients(unittest.TestCase):
    def test_ng_flows(self):
        srv = FakeNg()
        srv.start()
        ng = ms.Ng(f"127.0.0.1:{srv.port}")
        ng.ping()
        fwd, rev = ms.flows(ng, 2)
        self.assertEqual(fwd, ["198.18.1.2:20000-198.18.1.1:30002",
                               "198.18.1.2:20002-198.18.1.1:30006"])
        self.assertEqual(rev, ["198.18.2.2:40000-198.18.2.1:30000",
                               "198.18.2.2:40002-198.18.2.1:30004"])
        offer = srv.seen[1]
        self.assertEqual(offer["command"], "offer")
        self.assertEqual(offer["direction"], ["acc", "core"])
        self.assertEqual(ms.sdp_media_addr(offer["sdp"]), ("198.18.1.2", 20000))
        answer = srv.seen[2]
        self.assertEqual((answer["from-tag"], answer["to-tag"]), ("f0", "t0"))
        self.assertEqual(ms.sdp_media_addr(answer["sdp"]), ("198.18.2.2", 40000))
        ng.delete(0)
        ng.close()
        self.assertEqual(srv.seen[-1], {"command": "delete", "call-id": "srbench-0",
                                        "from-tag": "f0"})

    def test_ng_error_is_reported(self):
        srv = FakeNg()
        srv.start()
        ng = ms.Ng(f"127.0.0.1:{srv.port}")
        with self.assertRaises(ms.ProtocolError):
            ms.flows(ng, 4)
        ng.close()

    def test_rtpproxy_flows_and_cli(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "rtpp.sock")
            srv = FakeRtpproxy(path)
            srv.start()
            out_f, out_r = os.path.join(d, "f"), os.path.join(d, "r")
            self.assertEqual(ms.main(["x", "rtpproxy", path, "ping"]), 0)
            self.assertEqual(ms.main(["x", "rtpproxy", path, "create", "3", out_f, out_r]), 0)
            self.assertEqual(read(out_f).split(),
                             [f"198.18.1.2:{20000 + 2 * i}-198.18.1.1:{20000 + 2 * i}"
                              for i in range(3)])
            self.assertEqual(read(out_r).split()[2], "198.18.2.2:40004-198.18.2.1:30004")
            self.assertIn("U srbench-1 198.18.1.2 20002 f1", srv.seen)
            self.assertIn("L srbench-1 198.18.2.2 40002 f1 t1", srv.seen)
            self.assertEqual(ms.main(["x", "rtpproxy", path, "delete", "1"]), 0)
            self.assertEqual(srv.seen[-1], "D srbench-0 f0")

    def test_cli_rejects_bad_input(self):
        self.assertEqual(ms.main(["x"]), 2)
        self.assertEqual(ms.main(["x", "ng", "127.0.0.1:1", "create", "many", "f"]), 2)
        self.assertEqual(ms.main(["x", "ng", "127.0.0.1:1", "create", "0", "f"]), 2)
        self.assertEqual(ms.main(["x", "rtpproxy", "/nonexistent/sock", "create", "1", "f"]), 1)
        self.assertEqual(ms.main(["x", "ng", "not-an-address", "ping"]), 1)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1] + sys.argv[1:], verbosity=1)
