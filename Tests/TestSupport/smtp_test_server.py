"""A real SMTP server for the tests (aiosmtpd): prints 'PORT <n>' once listening, then keeps
every message it accepts in --dir as <n>.eml (the bytes as received) and <n>.json (envelope,
and the message parsed by Python's email package: decoded subject, From, To, text body,
attachments with their decoded file names, sizes and SHA-256).

Its behaviour can be changed while it runs by writing --dir/mode: 'ok' (accept), 'tempfail'
(451 at DATA), 'permfail' (550 at DATA), 'tempfail-once' (451 once, then ok). Every DATA
attempt is a line in --dir/attempts.log. --tls-cert/--tls-key turn on STARTTLS (required) or,
with --implicit-tls, TLS from the first byte; --auth user:password requires AUTH.
Stops on SIGTERM or when stdin closes (the test process ended)."""
import argparse, asyncio, email, email.policy, hashlib, json, os, signal, ssl, sys, threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, SMTP


class Handler:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    def mode(self):
        try:
            with open(os.path.join(self.folder, "mode")) as f:
                return f.read().strip() or "ok"
        except FileNotFoundError:
            return "ok"

    async def handle_DATA(self, server, session, envelope):
        mode = self.mode()
        with open(os.path.join(self.folder, "attempts.log"), "a") as f:
            f.write(mode + "\n")
        if mode == "tempfail-once":
            with open(os.path.join(self.folder, "mode"), "w") as f:
                f.write("ok")
            return "451 4.3.0 Try again later (test)"
        if mode == "tempfail":
            return "451 4.3.0 Mailbox busy, try again later (test)"
        if mode == "permfail":
            return "550 5.7.1 Message refused by policy (test)"
        with self.lock:
            self.count += 1
            n = self.count
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        attachments = []
        body = None
        for part in message.walk():
            if part.is_multipart():
                continue
            if part.get_content_disposition() == "attachment":
                data = part.get_payload(decode=True)
                attachments.append({"filename": part.get_filename(), "content_type": part.get_content_type(),
                                    "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
            elif part.get_content_type() == "text/plain" and body is None:
                body = part.get_content()
        info = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "subject": str(message["subject"]),
                "from": str(message["from"]), "to": str(message["to"]), "message_id": str(message["message-id"]),
                "body": body, "attachments": attachments, "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
                "authenticated": bool(getattr(session, "authenticated", False)),
                "raw_subject": raw_header(raw, b"Subject")}
        with open(os.path.join(self.folder, f"{n}.eml"), "wb") as f:
            f.write(raw)
        with open(os.path.join(self.folder, f"{n}.json.tmp"), "w") as f:
            json.dump(info, f, ensure_ascii=False)
        os.rename(os.path.join(self.folder, f"{n}.json.tmp"), os.path.join(self.folder, f"{n}.json"))
        return "250 2.0.0 Ok: queued as test-%d" % n


def raw_header(raw, name):
    """A header exactly as received (folded lines joined with their CRLF shown as |)."""
    lines = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    out = None
    for line in lines:
        if out is not None and line[:1] in (b" ", b"\t"):
            out.append(line)
        elif out is not None:
            break
        elif line.lower().startswith(name.lower() + b":"):
            out = [line]
    return b"|".join(out or []).decode("ascii", "replace")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth")
    args = parser.parse_args()
    handler = Handler(args.dir)
    kwargs = {}
    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = getattr(auth_data, "login", None) == user.encode() and getattr(auth_data, "password", None) == password.encode()
            return AuthResult(success=ok)

        kwargs["authenticator"] = authenticator
        # With implicit TLS the whole connection is encrypted, but aiosmtpd counts only STARTTLS.
        kwargs["auth_require_tls"] = context is not None and not args.implicit_tls
    if context is not None and not args.implicit_tls:
        kwargs["tls_context"] = context
        kwargs["require_starttls"] = True
    import socket
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(handler, hostname="127.0.0.1", port=port,
                            ssl_context=context if args.implicit_tls else None, server_hostname="localhost", **kwargs)
    controller.start()
    print("PORT %d" % port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
