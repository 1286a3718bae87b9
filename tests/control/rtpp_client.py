#!/usr/bin/env python3
"""Send one rtpproxy command to rtpproxy.sock and print the answer.

  rtpp_client.py stream PATH 'U call 1.2.3.4 4000 tag;1'   (no cookie, like Kamailio unix:)
  rtpp_client.py dgram PATH 'U call ...'                   (cookie added, checked, stripped)
  rtpp_client.py udp HOST:PORT 'U call ...'                (the same over UDP, like udp:)
  rtpp_client.py raw-udp HOST:PORT 'COOKIE U call ...' N   (the datagram as given, sent N
                                                            times from one socket, as a
                                                            retransmitting proxy does; each
                                                            reply printed on its own line)
  rtpp_client.py raw-dgram PATH 'COOKIE ...' N              (the same on a Unix datagram socket)
"""
import socket
import sys


def udp_addr(where):
    host, _, port = where.rpartition(":")
    return host.strip("[]"), int(port)


def dgram_socket(mode, where):
    if mode.endswith("udp"):
        host, port = udp_addr(where)
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.settimeout(5)
        return s, (host, port)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.bind("")  # autobind: the server needs an address to answer to
    return s, where


def main():
    mode, where, cmd = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode == "stream":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(where)
        s.sendall(cmd.encode())  # no newline: Kamailio writes none either
        ans = s.recv(65536).decode()
    elif mode in ("raw-udp", "raw-dgram"):
        s, to = dgram_socket(mode, where)
        for _ in range(int(sys.argv[4]) if len(sys.argv) > 4 else 1):
            s.sendto(cmd.encode(), to)
            sys.stdout.write(s.recv(65536).decode())
        return 0
    else:
        s, to = dgram_socket(mode, where)
        cookie = "4711_1"
        s.sendto(f"{cookie} {cmd}".encode(), to)
        ans = s.recv(65536).decode()
        if not ans.startswith(cookie + " "):
            print(f"bad cookie in {ans!r}", file=sys.stderr)
            return 1
        ans = ans[len(cookie) + 1:]
    sys.stdout.write(ans if ans.endswith("\n") else ans + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
