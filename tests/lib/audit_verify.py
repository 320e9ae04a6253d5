#!/usr/bin/python3
"""An independent verifier of dabiao's audit log, written from docs/audit.md alone.

    audit_verify.py EXPORT CHECKPOINT [--key KEY] [--proof FILE] [--old CHECKPOINT]
    audit_verify.py --receipt FILE [--key KEY]

KEY is the log's key as the bureau publishes it: the line `dabiao audit key` prints (the
signed-note verifier key NAME+KEYID+BASE64), or a PEM Ed25519 public (or private) key.

EXPORT is the output of `dabiao audit export`; CHECKPOINT one of `dabiao audit checkpoint`.
It checks that every exported line is a record in canonical form with the next sequence
number, that the first SIZE records of the export hash to the checkpoint's root (RFC 9162
Merkle tree), that the checkpoint's Ed25519 signature verifies with the public key in
--key (needs python3-cryptography; without it the signature alone is skipped, and said
so), that an inclusion proof printed by `dabiao audit prove` shows the export's record in
the checkpoint's tree, and that an older checkpoint's tree is a prefix of this one.

With --receipt it needs no export: FILE is a receipt's proof (the web's proof.txt, or a
text holding the receipt mail's block between its BEGIN and END lines, or the receipt mail
itself as saved, .eml), and it checks that
the record in it is in canonical form, that its leaf hash reaches the checkpoint's root by
the proof, and the checkpoint's signature (docs/audit.md "A receipt's proof").

Exit status 0 when everything checked holds, 1 otherwise (each failure on stderr).
"""
import argparse
import base64
import hashlib
import json
import re
import sys

KEYS = ["seq", "real_time", "clock_time", "actor", "action", "task", "subject",
        "from_state", "to_state", "details"]
INTS = {"seq", "real_time", "clock_time"}


def canon_str(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20:
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def canonical(rec):
    parts = []
    for k in KEYS:
        v = rec[k]
        parts.append('"%s":%s' % (k, str(v) if k in INTS else canon_str(v)))
    return "{" + ",".join(parts) + "}"


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves):
    """RFC 9162 2.1.1: split at the largest power of two smaller than n."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while 2 * k < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


class Failed(Exception):
    pass


def read_export(path):
    """The records' canonical bytes, in order; each line re-encoded must be itself."""
    lines = []
    with open(path, "rb") as f:
        for no, raw in enumerate(f, 1):
            if not raw.endswith(b"\n"):
                raise Failed(f"{path}:{no}: the last line has no newline")
            line = raw[:-1]
            try:
                text = line.decode("utf-8")
                rec = json.loads(text)
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                raise Failed(f"{path}:{no}: record {no}: not a JSON line: {e}")
            if not isinstance(rec, dict) or list(rec) != KEYS:
                raise Failed(f"{path}:{no}: record {no}: keys are not {KEYS}")
            for k in KEYS:
                want = int if k in INTS else str
                if type(rec[k]) is not want:
                    raise Failed(f"{path}:{no}: record {no}: {k} is not a {want.__name__}")
            if rec["seq"] != no:
                raise Failed(f"{path}:{no}: record {rec['seq']} where record {no} belongs")
            if canonical(rec).encode("utf-8") != line:
                raise Failed(f"{path}:{no}: record {no}: not in canonical form")
            lines.append(line)
    return lines


def parse_checkpoint(path):
    with open(path, "rb") as f:
        return parse_checkpoint_text(f.read().decode("utf-8"), path)


def parse_checkpoint_text(text, path):
    body, sep, sigs = text.partition("\n\n")
    if not sep:
        raise Failed(f"{path}: no blank line before the signatures")
    body += "\n"
    lines = body.split("\n")
    if len(lines) < 4:
        raise Failed(f"{path}: expected origin, size and root lines")
    origin, size, root = lines[0], lines[1], lines[2]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise Failed(f"{path}: bad size {size!r}")
    try:
        root_bytes = base64.b64decode(root, validate=True)
    except ValueError:
        raise Failed(f"{path}: bad root {root!r}")
    if len(root_bytes) != 32:
        raise Failed(f"{path}: the root is not 32 bytes")
    return {"origin": origin, "size": int(size), "root": root_bytes, "body": body.encode(),
            "sigs": [s for s in sigs.split("\n") if s]}


def check_signature(cp, key_path, path):
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import (
            Ed25519PrivateKey, Ed25519PublicKey)
        from cryptography.exceptions import InvalidSignature
    except ImportError:
        print(f"{path}: signature NOT checked: python3-cryptography is not installed",
              file=sys.stderr)
        return
    try:
        with open(key_path, "rb") as f:
            pem = f.read()
    except OSError as e:
        raise Failed(f"{key_path}: cannot read the key: {e.strerror}")
    key = None
    if pem.lstrip().startswith(b"-----BEGIN"):
        for load in (lambda: serialization.load_pem_private_key(pem, password=None),
                     lambda: serialization.load_pem_public_key(pem)):
            try:
                key = load()
                break
            except (ValueError, TypeError):
                continue
    else:
        # the verifier key `dabiao audit key` prints: NAME+KEYID+base64(0x01 || public key)
        # (the base64 may hold '+' itself: the key id, 8 hex digits, is what splits it)
        m = re.match(r"^(.+?)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$",
                     pem.decode("utf-8", "replace").strip())
        try:
            raw = base64.b64decode(m.group(3), validate=True) if m else b""
        except ValueError:
            raw = b""
        if len(raw) == 33 and raw[0] == 1:
            key = Ed25519PublicKey.from_public_bytes(raw[1:])
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise Failed(f"{key_path}: not an Ed25519 key: give the line `dabiao audit key` "
                     "prints, or the PEM public key (openssl pkey -pubout)")
    pub = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    name = cp["origin"]
    key_id = hashlib.sha256(name.encode() + b"\n\x01" + pub).digest()[:4]
    for line in cp["sigs"]:
        if not line.startswith("\u2014 "):
            raise Failed(f"{path}: not a signature line: {line!r}")
        who, _, b64 = line[2:].rpartition(" ")
        sig = base64.b64decode(b64)
        if who != name or sig[:4] != key_id:
            continue
        try:
            key.verify(sig[4:], cp["body"])
        except InvalidSignature:
            raise Failed(f"{path}: the signature by {name} does not verify")
        return
    raise Failed(f"{path}: no signature by {name} with key id {key_id.hex()}")


def check_proof(path, cp, leaves):
    fields, proof = {}, []
    with open(path) as f:
        for line in f:
            k, _, v = line.strip().partition(" ")
            if k == "proof":
                proof.append(bytes.fromhex(v))
            elif k:
                fields[k] = v
    seq, size = int(fields["seq"]), int(fields["tree_size"])
    if size != cp["size"]:
        raise Failed(f"{path}: proof for a tree of {size}, the checkpoint has {cp['size']}")
    if not 1 <= seq <= len(leaves):
        raise Failed(f"{path}: record {seq} is not in the export")
    leaf = leaves[seq - 1]  # from the record itself, not from the proof file
    if not verify_inclusion(seq - 1, size, leaf, proof, cp["root"]):
        raise Failed(f"{path}: record {seq} is NOT in the checkpoint's tree")
    return seq


BEGIN, END = "-----BEGIN DABIAO RECEIPT PROOF-----", "-----END DABIAO RECEIPT PROOF-----"


def check_receipt(path, key):
    """A receipt's proof alone: the record, its path to the root, the signed checkpoint."""
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8", "replace").replace("\r\n", "\n")
    if BEGIN not in text and "\nMIME-Version:" in "\n" + text.split("\n\n", 1)[0]:
        # the receipt mail as saved (.eml): its text, decoded from base64 or
        # quoted-printable, holds the block
        import email
        import email.policy
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_body(("plain",))
        text = (body.get_content() if body is not None else "").replace("\r\n", "\n")
    if BEGIN in text:
        text = text.split(BEGIN, 1)[1].split(END, 1)[0].lstrip("\n")
    head, sep, cp_text = text.partition("\ncheckpoint\n")
    if not sep:
        raise Failed(f"{path}: no signed checkpoint in the receipt's proof")
    fields, proof, record = {}, [], None
    for line in head.split("\n"):
        k, _, v = line.partition(" ")
        if k == "proof":
            proof.append(bytes.fromhex(v))
        elif k == "record":
            record = v
        elif k:
            fields[k] = v
    if record is None or "seq" not in fields or "tree_size" not in fields:
        raise Failed(f"{path}: expected seq, tree_size, proof and record lines")
    seq, size = int(fields["seq"]), int(fields["tree_size"])
    try:
        rec = json.loads(record)
    except ValueError as e:
        raise Failed(f"{path}: the record is not JSON: {e}")
    if not isinstance(rec, dict) or sorted(rec) != sorted(KEYS):
        raise Failed(f"{path}: the record does not have the fields {KEYS}")
    if canonical(rec) != record or rec["seq"] != seq:
        raise Failed(f"{path}: the record is not record {seq} in canonical form")
    leaf = leaf_hash(record.encode("utf-8"))
    if fields.get("leaf", leaf.hex()) != leaf.hex():
        raise Failed(f"{path}: the leaf hash is not the record's")
    cp = parse_checkpoint_text(cp_text, path)
    if cp["size"] != size:
        raise Failed(f"{path}: proof for a tree of {size}, the checkpoint has {cp['size']}")
    if not verify_inclusion(seq - 1, size, leaf, proof, cp["root"]):
        raise Failed(f"{path}: record {seq} is NOT in the checkpoint's tree")
    if key:
        check_signature(cp, key, path)
    else:
        print(f"{path}: signature NOT checked: no --key", file=sys.stderr)
    print(f"record {seq}: included in the checkpoint of {cp['origin']} at {size}"
          f"{' (signature verified)' if key else ''}")
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("export", nargs="?")
    ap.add_argument("checkpoint", nargs="?")
    ap.add_argument("--receipt", help="a receipt's proof (proof.txt, or the mail's block)")
    ap.add_argument("--key", help="the log's Ed25519 key, public or private PEM")
    ap.add_argument("--proof", action="append", default=[],
                    help="output of `dabiao audit prove SEQ --checkpoint CHECKPOINT`")
    ap.add_argument("--old", action="append", default=[], help="an earlier checkpoint")
    a = ap.parse_args()
    problems = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except Failed as e:
            problems.append(str(e))
            print(f"FAIL: {e}", file=sys.stderr)
            return None

    if a.receipt:
        return 0 if attempt(check_receipt, a.receipt, a.key) is not None else 1
    if a.export is None or a.checkpoint is None:
        ap.error("EXPORT and CHECKPOINT are needed (or --receipt FILE)")
    # Each check stands alone, so one report names everything that is wrong.
    lines = attempt(read_export, a.export)
    cp = attempt(parse_checkpoint, a.checkpoint)
    if lines is None or cp is None:
        return 1
    leaves = [leaf_hash(x) for x in lines]
    if a.key:
        attempt(check_signature, cp, a.key, a.checkpoint)
    else:
        print(f"{a.checkpoint}: signature NOT checked: no --key", file=sys.stderr)

    def prefix_root():
        if cp["size"] > len(leaves):
            raise Failed(f"{a.checkpoint}: {cp['size']} records, the export only "
                         f"{len(leaves)}")
        if mth(leaves[:cp["size"]]) != cp["root"]:
            raise Failed(f"{a.checkpoint}: the export's first {cp['size']} records do not "
                         "hash to the checkpoint's root")

    def extends(old_path):
        old = parse_checkpoint(old_path)
        if a.key:
            check_signature(old, a.key, old_path)
        if old["size"] > cp["size"] or mth(leaves[:old["size"]]) != old["root"]:
            raise Failed(f"{old_path}: the log of {a.checkpoint} does not extend it")

    attempt(prefix_root)
    for old_path in a.old:
        attempt(extends, old_path)
    for p in a.proof:
        seq = attempt(check_proof, p, cp, leaves)
        if seq is not None:
            print(f"record {seq}: included in the checkpoint's tree")
    if problems:
        return 1
    print(f"ok: {len(lines)} records, checkpoint {cp['origin']} at {cp['size']} verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
