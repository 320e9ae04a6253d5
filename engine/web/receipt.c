/*
 * receipt.c - what a county keeps of a submission, so it can prove its hand-in later without
 * trusting the server (review 11b, m7): the receipt carries the signed checkpoint of the
 * audit log up to and including the submission's record (the record is the tree's last
 * leaf) and the record's inclusion proof against it. The checkpoint is signed with the key
 * `dabiao audit checkpoint` signs with and kept in the store with the other heads that left
 * the machine (`dabiao audit checkpoints`). Ed25519 signatures are deterministic and the
 * log only grows, so the receipt shows the same bytes whenever it is opened.
 *
 * A receipt has its own address, /r/SEQ/TOKEN (TOKEN an HMAC of the sequence under the
 * server's secret): it opens that receipt and its proof and nothing else of the task, and
 * stays open when the submit link is revoked, expires, or its task is final or cancelled
 * (docs/web.md "Receipts").
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "engine/audit/audit.h"
#include "engine/web/web_int.h"

void
web_receipt_token(const struct web *w, uint64_t seq, char out[44])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char msg[40];

	snprintf(msg, sizeof(msg), "receipt:%" PRIu64, seq);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), w->secret);
	sodium_bin2base64(out, 44, mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

char *
web_receipt_path(const struct web *w, uint64_t seq)
{
	char tok[44];

	web_receipt_token(w, seq, tok);
	return xasprintf("/r/%" PRIu64 "/%s", seq, tok);
}

/* The signed checkpoint of the tree of `size` records with `root`; NULL when no key is
 * configured or found, or it cannot sign (logged): the receipt then says so. */
static char *
receipt_sign(struct engine *en, uint64_t size, const uint8_t root[AUDIT_HASH_LEN])
{
	const struct config *cfg = engine_config(en);
	char *key = audit_key_file(store_dir(engine_store(en)), cfg->audit_key_file), *text = NULL;
	struct audit_checkpoint cp;
	struct dberr e;

	if (key == NULL)
		return NULL;
	memset(&cp, 0, sizeof(cp));
	audit_origin_name(cfg->audit_origin, cp.origin, sizeof(cp.origin));
	cp.size = size;
	memcpy(cp.root, root, AUDIT_HASH_LEN);
	dberr_clear(&e);
	if (audit_checkpoint_sign(&cp, key, &text, &e) != 0) {
		log_warnx(engine_log_level(en), "web",
		          "receipt: signing the checkpoint: %s", e.msg);
		text = NULL;
	}
	free(key);
	return text;
}

/* The proof as a file: `dabiao audit prove SEQ --checkpoint` lines, the record's canonical
 * form, then the checkpoint (docs/audit.md "A receipt's proof"). */
static void
bundle(struct buf *b, const struct audit_proof *p, const char *canon, const char *checkpoint)
{
	char hex[2 * AUDIT_HASH_LEN + 1];

	buf_printf(b, "seq %" PRIu64 "\nleaf_index %" PRIu64 "\ntree_size %" PRIu64 "\n", p->seq,
	           p->seq - 1, p->size);
	audit_hex(p->leaf, AUDIT_HASH_LEN, hex);
	buf_printf(b, "leaf %s\n", hex);
	audit_hex(p->root, AUDIT_HASH_LEN, hex);
	buf_printf(b, "root %s\n", hex);
	for (size_t i = 0; i < p->nproof; i++) {
		audit_hex(p->proof[i], AUDIT_HASH_LEN, hex);
		buf_printf(b, "proof %s\n", hex);
	}
	buf_printf(b, "record %s\n", canon);
	if (checkpoint != NULL)
		buf_printf(b, "checkpoint\n%s", checkpoint);
	else
		buf_puts(b, "checkpoint none (no signing key: audit.key_file)\n");
}

static int
canonical_of(struct store_txn *txn, uint64_t seq, struct buf *canon, struct dberr *e)
{
	struct store_audit a;
	int rc;

	if ((rc = store_audit_get(txn, seq, &a, e)) != 0)
		return rc;
	audit_canonical(canon, &a);
	store_audit_release(&a);
	return 0;
}

int
receipt_prove_new(struct engine *en, struct store_txn *txn, const struct audit_frontier *before,
                  uint64_t seq, struct buf *out, struct dberr *e)
{
	struct audit_proof *p = xmalloc(sizeof(*p));
	struct buf canon = BUF_INIT;
	char *text = NULL;
	int rc;

	if ((rc = audit_prove_last(txn, before, seq, p, e)) != 0 ||
	    (rc = canonical_of(txn, seq, &canon, e)) != 0)
		goto out;
	text = receipt_sign(en, p->size, p->root);
	/* it leaves the machine in the receipt: kept as every signed head is */
	if (text != NULL) {
		char *by = xasprintf("%s: the receipt of record %llu, which carries it",
		                     engine_actor(en), (unsigned long long)seq);

		rc = audit_checkpoint_keep(txn, p->size, text, engine_wall_clock(), by, e);
		free(by);
		if (rc != 0)
			goto out;
	}
	bundle(out, p, buf_str(&canon), text);
out:
	free(text);
	buf_release(&canon);
	free(p);
	return rc;
}

/* The receipt's proof as the store has it now: from the web's tree (its first seq records)
 * and the kept checkpoint (a receipt made before they were kept, or without a key then,
 * gets the same signature now, if a key exists). */
struct receipt_proof {
	struct audit_proof p;
	struct buf canon;
	char *checkpoint;        /* NULL: unsigned */
};

static int
receipt_proof_get(struct req *r, struct store_txn *txn, uint64_t seq, struct receipt_proof *x,
                  struct dberr *e)
{
	int rc;

	if ((rc = canonical_of(txn, seq, &x->canon, e)) != 0)
		return rc;
	audit_leaf_hash(x->canon.data, x->canon.len, x->p.leaf);
	x->p.seq = seq;
	pthread_mutex_lock(&r->w->proof_lock);
	rc = audit_tree_prove(r->w->proof_tree, txn, seq, seq, x->p.leaf, &x->p.size, x->p.root,
	                      x->p.proof, &x->p.nproof, e);
	pthread_mutex_unlock(&r->w->proof_lock);
	if (rc != 0)
		return rc;
	rc = audit_checkpoint_get(txn, seq, &x->checkpoint, e);
	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		x->checkpoint = receipt_sign(r->en, x->p.size, x->p.root);
		rc = 0;
	}
	return rc;
}

void
receipt_proof_html(struct req *r, struct store_txn *txn, uint64_t seq)
{
	struct html *h = &r->out;
	struct receipt_proof *x = xcalloc(1, sizeof(*x));
	char *path = web_receipt_path(r->w, seq), hex[2 * AUDIT_HASH_LEN + 1];
	const char *base = r->w->cfg->web_base_url ? r->w->cfg->web_base_url : "";
	struct dberr e;

	dberr_clear(&e);
	HF(h, "<section id=\"receipt-proof\"><h2>签名检查点与包含证明</h2><p>回执地址（链接撤销或事项"
	      "办结后仍可打开，请保存）：<a class=\"hash\" id=\"receipt-url\" href=\"%s\">%s%s</a></p>",
	   path, base, path);
	if (receipt_proof_get(r, txn, seq, x, &e) != 0) {
		log_warnx(r->w->log_level, "web", "receipt proof: %s", e.msg);
		H(h, "<p class=\"error\">暂时无法计算证明，请稍后刷新。</p></section>");
		goto out;
	}
	/* what the page says of the signature is what there is (review 11d, W10) */
	if (x->checkpoint)
		HF(h, "<p>下列签名检查点是审计日志前 %" PRIu64 " 条记录（最后一条即本次报送）的根哈希，由本局的"
		      "审计密钥签名；包含证明把本记录的叶哈希逐级合并为该根哈希。凭本回执、证明文件和本局公布的"
		      "公钥，任何人都可自行核验，无需依赖本系统（核验方法见系统文档“审计日志”中“回执的证明”一节）。"
		      "</p>", x->p.size);
	else
		HF(h, "<p>下列根哈希是审计日志前 %" PRIu64 " 条记录（最后一条即本次报送）的根哈希；包含证明把"
		      "本记录的叶哈希逐级合并为该根哈希。本回执没有签名检查点（见下），请将根哈希与本局此后公布的"
		      "签名检查点核对。</p>", x->p.size);
	audit_hex(x->p.leaf, AUDIT_HASH_LEN, hex);
	HF(h, "<table><tbody><tr><th>叶哈希</th><td class=\"hash\" id=\"receipt-leaf\">%s</td></tr>",
	   hex);
	audit_hex(x->p.root, AUDIT_HASH_LEN, hex);
	HF(h, "<tr><th>日志条数</th><td id=\"receipt-tree-size\">%" PRIu64 "</td></tr><tr><th>根哈希"
	      "</th><td class=\"hash\" id=\"receipt-root\">%s</td></tr>",
	   x->p.size, hex);
	for (size_t i = 0; i < x->p.nproof; i++) {
		audit_hex(x->p.proof[i], AUDIT_HASH_LEN, hex);
		HF(h, "<tr><th>路径 %zu</th><td class=\"hash receipt-path\">%s</td></tr>", i + 1, hex);
	}
	H(h, "</tbody></table>");
	if (x->checkpoint)
		HF(h, "<h3>签名检查点</h3><pre class=\"hash\" id=\"receipt-checkpoint\">%s</pre>",
		   x->checkpoint);
	else if (r->w->cfg->audit_key_file && r->w->cfg->audit_key_file[0])
		H(h, "<p class=\"error\" id=\"receipt-checkpoint\">配置的审计签名密钥（audit.key_file）"
		     "无法使用，检查点未签名。请将此情况告知本局系统管理员。</p>");
	else
		H(h, "<p class=\"muted\" id=\"receipt-checkpoint\">未配置审计签名密钥（audit.key_file），"
		     "存储目录中也没有 audit-key.pem：检查点未签名。</p>");
	HF(h, "<p><a id=\"receipt-proof-file\" href=\"%s/proof.txt\">下载证明文件</a>（本记录、包含"
	      "证明和签名检查点，与回执邮件所附相同）</p></section>",
	   path);
out:
	free(path);
	free(x->checkpoint);
	buf_release(&x->canon);
	free(x);
}

struct receipt_page {
	struct req *r;
	uint64_t seq;
	bool text;
	bool found;
};

static int
receipt_page_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct receipt_page *x = arg;
	struct req *r = x->r;
	struct store_audit a;
	struct receipt_proof *p;
	int rc;

	if (store_audit_get(txn, x->seq, &a, e) != 0) {
		dberr_clear(e);
		return 0;
	}
	x->found = strcmp(a.action, "task.submit") == 0;
	if (x->found && !x->text) {
		view_begin(r, "报送回执");
		act_receipt_body(r, txn, x->seq, a.task);
		view_end(r);
	}
	store_audit_release(&a);
	if (!x->found || !x->text)
		return 0;
	p = xcalloc(1, sizeof(*p));
	if ((rc = receipt_proof_get(r, txn, x->seq, p, e)) == 0)
		bundle(&r->out.b, &p->p, buf_str(&p->canon), p->checkpoint);
	free(p->checkpoint);
	buf_release(&p->canon);
	free(p);
	return rc;
}

void
page_receipt_token(struct req *r, uint64_t seq, const char *token, bool text)
{
	struct receipt_page x = {r, seq, text, false};
	char want[44];
	struct dberr e;

	web_receipt_token(r->w, seq, want);
	if (!web_ct_equal(token, want)) {
		req_error(r, 404, "没有这份回执。");
		return;
	}
	dberr_clear(&e);
	if (store_read(engine_store(r->en), receipt_page_txn, &x, &e) != 0) {
		log_warnx(r->w->log_level, "web", "receipt: %s", e.msg);
		buf_reset(&r->out.b);
		req_error(r, 503, "暂时无法计算证明，请稍后重试。");
		return;
	}
	if (!x.found) {
		buf_reset(&r->out.b);
		req_error(r, 404, "没有这份回执。");
		return;
	}
	if (text) {
		r->ctype = "text/plain; charset=utf-8";
		r->disposition = xasprintf("attachment; filename=\"receipt-%" PRIu64 "-proof.txt\"", seq);
	}
}
