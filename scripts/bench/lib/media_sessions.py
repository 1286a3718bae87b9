#!/usr/bin/env python3
"""Media sessions for the lab benchmarks, made the way a SIP proxy makes them.

  media_sessions.py rtpproxy SOCKET create N FWD_FLOWS [REV_FLOWS]
  media_sessions.py rtpproxy SOCKET delete N
  media_sessions.py ng HOST:PORT create N FWD_FLOWS [REV_FLOWS]
  media_sessions.py ng HOST:PORT delete N
  media_sessions.py rtpproxy|ng WHERE ping      (exit 0 once the relay answers)

rtpproxy: siprelay-control's rtpproxy.sock (a Unix stream socket, one command per
connection as Kamailio's rtpproxy module sends them): U with the caller's address,
then L with the callee's. ng: rtpengine's ng protocol (bencoded dictionaries over
UDP, a cookie before each): offer with the caller's SDP, then answer with the
callee's, the caller on the logical interface "acc" and the callee on "core".

Stream i has the caller at CALLER_IP:20000+2i and the callee at CALLEE_IP:40000+2i.
FWD_FLOWS gets one srgen flow a line for caller -> callee (the caller sending to the
relay's port on the access side), REV_FLOWS the same for callee -> caller.
"""
import os
import re
import socket
import sys

CALLER_IP = "198.18.1.2"
CALLEE_IP = "198.18.2.2"
CALLER_PORT0 = 20000
CALLEE_PORT0 = 40000


class ProtocolError(Exception):
    pass


# --- bencode (the ng protocol's encoding) ---

def bencode(v):
    if isinstance(v, bool):
        raise TypeError("bencode has no booleans")
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, (bytes, bytearray)):
        return b"%d:%s" % (len(v), bytes(v))
    if isinstance(v, (list, tuple)):
        return b"l" + b"".join(bencode(x) for x in v) + b"e"
    if isinstance(v, dict):
        out = [b"d"]
        for k in sorted(v, key=lambda k: k.encode() if isinstance(k, str) else k):
            out.append(bencode(k))
            out.append(bencode(v[k]))
        out.append(b"e")
        return b"".join(out)
    raise TypeError(f"cannot bencode {type(v).__name__}")


def _bdecode_at(b, i):
    if i >= len(b):
        raise ProtocolError("bencode: truncated")
    c = b[i:i + 1]
    if c == b"i":
        end = b.index(b"e", i)
        return int(b[i + 1:end]), end + 1
    if c == b"l":
        i += 1
        out = []
        while b[i:i + 1] != b"e":
            x, i = _bdecode_at(b, i)
            out.append(x)
        return out, i + 1
    if c == b"d":
        i += 1
        out = {}
        while b[i:i + 1] != b"e":
            k, i = _bdecode_at(b, i)
            if not isinstance(k, str):
                raise ProtocolError("bencode: dictionary key is not a string")
            out[k], i = _bdecode_at(b, i)
        return out, i + 1
    if c.isdigit():
        colon = b.index(b":", i)
        n = int(b[i:colon])
        s = b[colon + 1:colon + 1 + n]
        if len(s) != n:
            raise ProtocolError("bencode: truncated string")
        try:
            return s.decode(), colon + 1 + n
        except UnicodeDecodeError:
            return s, colon + 1 + n
    raise ProtocolError(f"bencode: unexpected byte {c!r} at {i}")


def bdecode(b):
    try:
        v, i = _bdecode_at(b, 0)
    except ValueError as e:  # index() found no terminator, int() of garbage
        raise ProtocolError(f"bencode: {e}") from None
    if i != len(b):
        raise ProtocolError("bencode: trailing bytes")
    return v


# --- SDP and replies ---

def sdp(ip, port, session):
    return ("v=0\r\n"
            f"o=- {session} 1 IN IP4 {ip}\r\n"
            "s=srbench\r\n"
            f"c=IN IP4 {ip}\r\n"
            "t=0 0\r\n"
            f"m=audio {port} RTP/AVP 0\r\n"
            "a=rtpmap:0 PCMU/8000\r\n"
            "a=sendrecv\r\n")


def sdp_media_addr(text):
    """(ip, port) of the first audio stream: its own c= line, else the session's."""
    session_ip = media_ip = port = None
    section = "session"
    for line in re.split(r"\r?\n", text):
        if line.startswith("m="):
            if port is not None:
                break  # past the first audio stream
            section = "audio" if line.startswith("m=audio ") else "other"
            if section == "audio":
                port = int(line.split()[1])
        elif line.startswith("c=IN IP4 "):
            if section == "session":
                session_ip = line.split()[2]
            elif section == "audio":
                media_ip = line.split()[2]
    ip = media_ip or session_ip
    if ip is None or port is None:
        raise ProtocolError("SDP without an audio address")
    return ip, port


def rtpp_reply_addr(reply):
    """(ip, port) from an rtpproxy U/L reply 'PORT [IP [6]]'."""
    w = reply.split()
    if not w or not w[0].isdigit():
        raise ProtocolError(f"rtpproxy error reply {reply.strip()!r}")
    port = int(w[0])
    if port == 0:
        raise ProtocolError("rtpproxy: no such session (port 0)")
    if len(w) < 2:
        raise ProtocolError(f"rtpproxy reply without an address: {reply.strip()!r}")
    return w[1], port


# --- transports ---

class Rtpproxy:
    def __init__(self, path):
        self.path = path

    def cmd(self, line):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(self.path)
            s.sendall(line.encode())
            ans = s.recv(4096).decode()
        finally:
            s.close()
        return ans

    def create(self, i):
        call, ftag, ttag = f"srbench-{i}", f"f{i}", f"t{i}"
        cport, dport = CALLER_PORT0 + 2 * i, CALLEE_PORT0 + 2 * i
        core = rtpp_reply_addr(self.cmd(f"U {call} {CALLER_IP} {cport} {ftag}"))
        acc = rtpp_reply_addr(self.cmd(f"L {call} {CALLEE_IP} {dport} {ftag} {ttag}"))
        return acc, core

    def delete(self, i):
        self.cmd(f"D srbench-{i} f{i}")

    def close(self):
        pass  # a connection per command

    def ping(self):
        if not self.cmd("V").strip():
            raise ProtocolError("rtpproxy: empty answer to V")


class Ng:
    def __init__(self, where):
        host, _, port = where.rpartition(":")
        self.to = (host, int(port))
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.settimeout(5)
        self.seq = 0

    def request(self, msg):
        self.seq += 1
        cookie = f"{os.getpid()}_{self.seq}"
        self.s.sendto(cookie.encode() + b" " + bencode(msg), self.to)
        while True:
            data = self.s.recv(65536)
            got, _, body = data.partition(b" ")
            if got.decode(errors="replace") == cookie:
                break  # an answer to an earlier, retried request is skipped
        ans = bdecode(body)
        if not isinstance(ans, dict) or ans.get("result") not in ("ok", "pong"):
            raise ProtocolError(f"ng {msg['command']}: {ans!r}")
        return ans

    def create(self, i):
        call, ftag, ttag = f"srbench-{i}", f"f{i}", f"t{i}"
        cport, dport = CALLER_PORT0 + 2 * i, CALLEE_PORT0 + 2 * i
        off = self.request({"command": "offer", "call-id": call, "from-tag": ftag,
                            "sdp": sdp(CALLER_IP, cport, 1000 + i),
                            "direction": ["acc", "core"],
                            "replace": ["origin", "session-connection"]})
        core = sdp_media_addr(off["sdp"])
        ans = self.request({"command": "answer", "call-id": call, "from-tag": ftag,
                            "to-tag": ttag, "sdp": sdp(CALLEE_IP, dport, 2000 + i),
                            "replace": ["origin", "session-connection"]})
        acc = sdp_media_addr(ans["sdp"])
        return acc, core

    def delete(self, i):
        self.request({"command": "delete", "call-id": f"srbench-{i}", "from-tag": f"f{i}"})

    def close(self):
        self.s.close()

    def ping(self):
        self.request({"command": "ping"})


def flows(client, n):
    """Creates n streams: (caller -> callee flows, callee -> caller flows)."""
    fwd, rev = [], []
    for i in range(n):
        (aip, aport), (cip, cport) = client.create(i)
        fwd.append(f"{CALLER_IP}:{CALLER_PORT0 + 2 * i}-{aip}:{aport}")
        rev.append(f"{CALLEE_IP}:{CALLEE_PORT0 + 2 * i}-{cip}:{cport}")
    return fwd, rev


def main(argv):
    if len(argv) == 4 and argv[1] in ("rtpproxy", "ng") and argv[3] == "ping":
        client = None
        try:
            client = Rtpproxy(argv[2]) if argv[1] == "rtpproxy" else Ng(argv[2])
            client.ping()
        except (OSError, ProtocolError, ValueError) as e:
            print(f"media_sessions: {argv[1]} {argv[2]}: {e}", file=sys.stderr)
            return 1
        finally:
            if client is not None:
                client.close()
        return 0
    if len(argv) < 5 or argv[1] not in ("rtpproxy", "ng") or argv[3] not in ("create", "delete"):
        sys.stderr.write(__doc__)
        return 2
    try:
        n = int(argv[4])
    except ValueError:
        print(f"media_sessions: bad count {argv[4]!r}", file=sys.stderr)
        return 2
    if not 1 <= n <= 5000:
        print("media_sessions: count must be 1..5000 (ports 20000+2i, 40000+2i)",
              file=sys.stderr)
        return 2
    client = None
    try:
        client = Rtpproxy(argv[2]) if argv[1] == "rtpproxy" else Ng(argv[2])
        if argv[3] == "delete":
            for i in range(n):
                client.delete(i)
            return 0
        if len(argv) < 6:
            sys.stderr.write(__doc__)
            return 2
        fwd, rev = flows(client, n)
    except (OSError, ProtocolError, KeyError, ValueError) as e:
        print(f"media_sessions: {argv[1]} {argv[2]}: {e}", file=sys.stderr)
        return 1
    finally:
        if client is not None:
            client.close()
    with open(argv[5], "w") as f:
        f.write("\n".join(fwd) + "\n")
    if len(argv) > 6:
        with open(argv[6], "w") as f:
            f.write("\n".join(rev) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
