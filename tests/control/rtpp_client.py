#!/usr/bin/env python3
"""Send one rtpproxy command to rtpproxy.sock and print the answer.

  rtpp_client.py stream PATH 'U call 1.2.3.4 4000 tag;1'   (no cookie, like Kamailio unix:)
  rtpp_client.py dgram PATH 'U call ...'                   (cookie added, checked, stripped)
"""
import socket
import sys


def main():
    mode, path, cmd = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode == "stream":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(path)
        s.sendall(cmd.encode())  # no newline: Kamailio writes none either
        ans = s.recv(65536).decode()
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.bind("")  # autobind: the server needs an address to answer to
        cookie = "4711_1"
        s.sendto(f"{cookie} {cmd}".encode(), path)
        ans = s.recv(65536).decode()
        if not ans.startswith(cookie + " "):
            print(f"bad cookie in {ans!r}", file=sys.stderr)
            return 1
        ans = ans[len(cookie) + 1:]
    sys.stdout.write(ans if ans.endswith("\n") else ans + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
