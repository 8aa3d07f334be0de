"""Shared harness of the LDA benchmarks (bench/lda_train, bench/lda_scale, bench/lda_score).

- Cluster: a private PostgreSQL 15 instance in .tweetlda/bench (socket only, no TCP port), running
  a private copy of the PostgreSQL installation with this checkout's extension installed into it
  (the same scheme as test/run-tests); as root the server runs as the postgres user.
- Corpus: the 217,817 real tweets of ../shared/data/tweets_corpus_combined, a seeded 90/10
  train/held-out split, the tokens of every tweet as produced by tweetlda.tokenize, and one
  vocabulary built by tweetlda.vocabulary over the training tweets, so that tweetlda, gensim and
  scikit-learn train on the same tokens and the same terms.
- Evaluator: one held-out perplexity routine (numpy) applied to every model's topic-word matrix
  and alpha (document-completion: infer the topic proportions of a held-out tweet from half of
  its tokens, score the other half).

Run `python3 bench/lib/ldabench.py stop` to stop the cluster.
"""

import gzip
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "..", "shared", "data", "tweets_corpus_combined", "tweets_combined.csv.gz")
WORK = os.path.abspath(os.environ.get("TWEETLDA_BENCH_DIR", os.path.join(ROOT, ".tweetlda", "bench")))
INST = os.path.join(WORK, "install")
PGDATA = os.path.join(WORK, "data")
PORT = int(os.environ.get("TWEETLDA_BENCH_PORT", "54339"))
PG_CONFIG = os.environ.get("PG_CONFIG", "/usr/lib/postgresql/15/bin/pg_config")
DBNAME = "tweetlda_bench"

# The benchmark's fixed choices, shared by every model.
SEED = 20261125            # split seed and training seed of every model
HELDOUT_FRACTION = 0.10
MIN_DF = 5                 # vocabulary: a term must occur in at least 5 training tweets,
MAX_DF = 0.5               # in at most half of them,
MAX_TERMS = 20000          # and the 20,000 most frequent terms are kept


def log(msg):
    """Print a progress line on stderr (the figures go to stdout)."""
    print("[ldabench %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def loud(msg):
    """Print a warning that must not be missed."""
    bar = "!" * 78
    print("%s\n!! %s\n%s" % (bar, msg, bar), file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The private cluster
# ---------------------------------------------------------------------------------------------

def _pg_config(flag):
    return subprocess.check_output([PG_CONFIG, flag], text=True).strip()


def _is_root():
    return os.geteuid() == 0


def _as_pg(cmd, **kw):
    """Run a command as the postgres user when we are root (PostgreSQL refuses root)."""
    if _is_root():
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    return subprocess.run(cmd, check=True, **kw)


def _install():
    """Copy the PostgreSQL installation once (again when the server changes), install ours."""
    bindir = _pg_config("--bindir")
    st = os.stat(os.path.join(bindir, "postgres"))
    stamp = "%d-%d" % (st.st_size, int(st.st_mtime))
    stampfile = os.path.join(INST, ".stamp")
    if not os.path.exists(stampfile) or open(stampfile).read().strip() != stamp:
        shutil.rmtree(INST, ignore_errors=True)
        for d in (os.path.join(bindir, ".."), _pg_config("--sharedir")):
            d = os.path.realpath(d)
            dest = INST + os.path.dirname(d)
            os.makedirs(dest, exist_ok=True)
            subprocess.run(["cp", "-a", d, dest + "/"], check=True)
        with open(stampfile, "w") as f:
            f.write(stamp + "\n")
    subprocess.run(["make", "-s", "-C", ROOT, "install", "DESTDIR=" + INST, "PG_CONFIG=" + PG_CONFIG],
                   check=True, stdout=subprocess.DEVNULL)
    return INST + bindir


def _chown_work():
    if _is_root():
        subprocess.run(["chown", "-R", "postgres:", WORK], check=True)


def start(build=True):
    """Build and install the extension into the private installation, start the cluster."""
    os.makedirs(WORK, exist_ok=True)
    if build:
        subprocess.run(["make", "-s", "-C", ROOT], check=True, stdout=subprocess.DEVNULL)
    bindir = _install()
    _chown_work()
    pg_ctl = os.path.join(bindir, "pg_ctl")
    if not os.path.exists(os.path.join(PGDATA, "PG_VERSION")):
        _as_pg([os.path.join(bindir, "initdb"), "-D", PGDATA, "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--locale=C.UTF-8"], stdout=subprocess.DEVNULL)
        with open(os.path.join(PGDATA, "postgresql.conf"), "a") as f:
            f.write("\n# tweetlda benchmark cluster (throw-away data: no durability)\n"
                    "listen_addresses = ''\n"
                    "port = %d\n"
                    "unix_socket_directories = '%s'\n"
                    "shared_buffers = '1GB'\n"
                    "work_mem = '64MB'\n"
                    "maintenance_work_mem = '512MB'\n"
                    "max_worker_processes = 8\n"
                    "max_parallel_workers = 4\n"
                    "max_parallel_workers_per_gather = 2\n"
                    "jit = off\n"
                    "fsync = off\n"
                    "synchronous_commit = off\n"
                    "full_page_writes = off\n"
                    "max_wal_size = '4GB'\n" % (PORT, WORK))
    # Restart so that a freshly installed tweetlda.so is the one loaded.
    if subprocess.run(["runuser", "-u", "postgres", "--"] * _is_root() + [pg_ctl, "-D", PGDATA, "status"],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
        _as_pg([pg_ctl, "-D", PGDATA, "-m", "fast", "-w", "stop"], stdout=subprocess.DEVNULL)
    _as_pg([pg_ctl, "-D", PGDATA, "-l", os.path.join(WORK, "server.log"), "-w", "start"],
           stdout=subprocess.DEVNULL)
    conn = _connect("postgres")
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DBNAME,))
    if cur.fetchone() is None:
        cur.execute("CREATE DATABASE " + DBNAME)
    conn.close()
    conn = connect()
    cur = conn.cursor()
    # A fresh extension each run: its objects follow the code just installed. The benchmark's
    # own tables other than the corpora (vocabularies, models) go with it.
    cur.execute("SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') FROM pg_tables "
                "WHERE schemaname = 'bench' AND tablename NOT IN ('tweets', 'scale')")
    drop = cur.fetchone()[0]
    if drop:
        cur.execute("DROP TABLE " + drop)
    cur.execute("DROP EXTENSION IF EXISTS tweetlda CASCADE")
    cur.execute("CREATE EXTENSION tweetlda")
    return conn


def stop():
    """Stop the cluster if it runs."""
    pg_ctl = os.path.join(INST + _pg_config("--bindir"), "pg_ctl")
    if os.path.exists(os.path.join(PGDATA, "PG_VERSION")) and os.path.exists(pg_ctl):
        _as_pg([pg_ctl, "-D", PGDATA, "-m", "fast", "stop"], stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)


def _connect(db):
    import psycopg2
    return psycopg2.connect(host=WORK, port=PORT, user="postgres", dbname=db)


def connect():
    """A connection to the benchmark database (autocommit)."""
    conn = _connect(DBNAME)
    conn.autocommit = True
    conn.notices = NoticeLog()
    return conn


class NoticeLog(list):
    """Echo server NOTICEs (training progress) on stderr as they are collected."""

    def append(self, msg):
        if msg.rstrip().endswith(", skipping"):
            return
        print("    " + msg.strip(), file=sys.stderr, flush=True)
        if len(self) > 50:
            del self[:25]
        super().append(msg)


def has_function(cur, name):
    """Whether tweetlda.<name> exists (function or aggregate)."""
    cur.execute("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = 'tweetlda' AND p.proname = %s", (name,))
    return cur.fetchone()[0] > 0


def timed(cur, sql, args=None):
    """Execute a statement, return (seconds, rows)."""
    t = time.perf_counter()
    cur.execute(sql, args)
    rows = cur.fetchall() if cur.description else None
    return time.perf_counter() - t, rows


# ---------------------------------------------------------------------------------------------
# The tweets and the shared corpus
# ---------------------------------------------------------------------------------------------

def require_data():
    """Exit (status 0, with a message) when the developer data is absent."""
    if not os.path.exists(DATA):
        print("SKIP: %s is absent (developer data)" % os.path.relpath(DATA, ROOT))
        sys.exit(0)


def load_tweets(conn):
    """Load the real tweets into bench.tweets (id in file order, seeded held-out flag)."""
    cur = conn.cursor()
    cur.execute("CREATE SCHEMA IF NOT EXISTS bench")
    cur.execute("SELECT to_regclass('bench.tweets') IS NOT NULL")
    if cur.fetchone()[0]:
        cur.execute("SELECT count(*) FROM bench.tweets")
        if cur.fetchone()[0] == 217817:
            return
        cur.execute("DROP TABLE bench.tweets CASCADE")
    log("loading %s" % os.path.relpath(DATA, ROOT))
    cur.execute("CREATE TABLE bench.tweets (id bigserial PRIMARY KEY, corpus text, tweet_id text, "
                "created_at_utc timestamptz, lang text, text text, source_ref text, "
                "heldout boolean)")
    with gzip.open(DATA, "rt", encoding="utf-8", newline="") as f:
        cur.copy_expert("COPY bench.tweets (corpus, tweet_id, created_at_utc, lang, text, source_ref) "
                        "FROM STDIN WITH (FORMAT csv, HEADER true)", f)
    import numpy as np
    cur.execute("SELECT count(*) FROM bench.tweets")
    n = cur.fetchone()[0]
    held = np.random.RandomState(SEED).permutation(n)[: int(round(n * HELDOUT_FRACTION))] + 1
    cur.execute("CREATE TEMP TABLE held (id bigint)")
    cur.copy_from(_lines(str(int(i)) for i in held), "held", columns=("id",))
    cur.execute("UPDATE bench.tweets t SET heldout = h.id IS NOT NULL "
                "FROM bench.tweets t2 LEFT JOIN held h ON h.id = t2.id WHERE t.id = t2.id")
    cur.execute("ALTER TABLE bench.tweets ALTER heldout SET NOT NULL")
    cur.execute("DROP TABLE held")
    cur.execute("VACUUM (ANALYZE, FREEZE) bench.tweets")


class _lines:
    """A file-like object over an iterator of lines (for COPY FROM STDIN)."""

    def __init__(self, it):
        self.it = iter(it)
        self.buf = ""

    def read(self, size=-1):
        while size < 0 or len(self.buf) < size:
            try:
                self.buf += next(self.it) + "\n"
            except StopIteration:
                break
        if size < 0:
            out, self.buf = self.buf, ""
        else:
            out, self.buf = self.buf[:size], self.buf[size:]
        return out

    readline = read


# Fallback tokenizer, used only while tweetlda.tokenize does not exist, so that the benchmark
# code can be developed; its figures are not tweetlda's.
_FALLBACK_STOP = set("""a about above after again against all am an and any are as at be because
been before being below between both but by can did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my myself no nor not now of off on once only or other our ours ourselves
out over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which while
who whom why will with you your yours yourself yourselves rt amp via http https im dont get got
like""".split())
_URL = re.compile(r"(?:https?://|www\.)\S+|@\w+|&\w+;|&#\d+;")
_WORD = re.compile(r"[^\W\d_]+")


def fallback_tokenize(text):
    """Lowercase words of 3+ letters, no URLs, mentions, numbers or stopwords; no stemming."""
    text = _URL.sub(" ", text or "").lower()
    return [w for w in _WORD.findall(text) if len(w) >= 3 and w not in _FALLBACK_STOP]


class Corpus:
    """The shared corpus: tokens per tweet, split, vocabulary, bag-of-words of the training set."""

    def __init__(self, ids, heldout, tokens, terms, df, source):
        import numpy as np
        self.ids = np.asarray(ids)
        self.heldout = np.asarray(heldout, dtype=bool)
        self.tokens = tokens                    # list of lists of str (all tweets, id order)
        self.terms = terms                      # vocabulary, term id order (0-based)
        self.df = df
        self.term_index = {t: i for i, t in enumerate(terms)}
        self.source = source                    # "tweetlda" or "fallback"
        self.word_ids = [[self.term_index[t] for t in toks if t in self.term_index]
                         for toks in tokens]

    @property
    def V(self):
        return len(self.terms)

    def train_rows(self):
        """Indices of the training tweets that have at least one vocabulary term."""
        return [i for i in range(len(self.ids)) if not self.heldout[i] and self.word_ids[i]]

    def train_matrix(self):
        """scipy CSR document-term count matrix of the (non-empty) training tweets."""
        return counts_matrix([self.word_ids[i] for i in self.train_rows()], self.V)

    def train_bow(self):
        """gensim bag-of-words (list of (term id, count)) of the (non-empty) training tweets."""
        return [sorted(Counter(self.word_ids[i]).items()) for i in self.train_rows()]

    def heldout_halves(self):
        """(observed, scored) word-id lists of held-out tweets with at least 2 vocabulary terms:
        the in-vocabulary tokens at even positions are observed, those at odd positions scored."""
        obs, sco = [], []
        for i in range(len(self.ids)):
            w = self.word_ids[i]
            if self.heldout[i] and len(w) >= 2:
                obs.append(w[0::2])
                sco.append(w[1::2])
        return obs, sco

    def describe(self):
        ntrain = int((~self.heldout).sum())
        rows = self.train_rows()
        ntok = sum(len(self.word_ids[i]) for i in rows)
        obs, sco = self.heldout_halves()
        return ("tokens by %s; %d tweets: %d training (%d with vocabulary terms, %d tokens), "
                "%d held out (%d evaluated, %d scored tokens); vocabulary %d terms "
                "(min_df %s, max_df %s, max_terms %d)"
                % (self.source, len(self.ids), ntrain, len(rows), ntok, int(self.heldout.sum()),
                   len(obs), sum(map(len, sco)), self.V, MIN_DF, MAX_DF, MAX_TERMS))


def counts_matrix(docs, V):
    """scipy CSR count matrix of word-id lists."""
    import numpy as np
    import scipy.sparse as sp
    indptr = np.zeros(len(docs) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(d) for d in docs])
    idx = np.fromiter((w for d in docs for w in d), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(idx), dtype=np.float64)
    m = sp.csr_matrix((data, idx, indptr), shape=(len(docs), V))
    m.sum_duplicates()
    return m


def python_vocabulary(token_lists, min_df, max_df, max_terms):
    """CountVectorizer semantics (>= 1: document count, < 1: fraction); ties by term."""
    df = Counter()
    for toks in token_lists:
        df.update(set(toks))
    n = len(token_lists)
    lo = min_df if min_df >= 1 else min_df * n
    hi = max_df if max_df >= 1 else max_df * n
    kept = sorted(((t, c) for t, c in df.items() if lo <= c <= hi), key=lambda x: (-x[1], x[0]))
    kept = kept[:max_terms]
    return [t for t, _ in kept], [c for _, c in kept]


def load_corpus(conn):
    """Tokens of every tweet (tweetlda.tokenize, or the loud fallback) and the shared vocabulary."""
    cur = conn.cursor()
    vocab_sec = None
    t = time.perf_counter()
    if has_function(cur, "tokenize"):
        source = "tweetlda"
        cur.execute("SELECT id, heldout, array_to_string(tweetlda.tokenize(text), ' ') "
                    "FROM bench.tweets ORDER BY id")
        rows = cur.fetchall()
        tokens = [(r[2] or "").split() for r in rows]
    else:
        source = "fallback"
        loud("tweetlda.tokenize does not exist in this build: using a simple Python tokenizer "
             "(no stemming); tweetlda.train will tokenize differently, so these figures are NOT "
             "a fair comparison")
        cur.execute("SELECT id, heldout, text FROM bench.tweets ORDER BY id")
        rows = cur.fetchall()
        tokens = [fallback_tokenize(r[2]) for r in rows]
    log("tokens of %d tweets exported in %.1f s (%s)" % (len(rows), time.perf_counter() - t, source))
    ids = [r[0] for r in rows]
    heldout = [r[1] for r in rows]
    if source == "tweetlda" and has_function(cur, "vocabulary") and has_function(cur, "vocab_terms"):
        # Kept in bench.vocab: the tweetlda.lda() aggregate trains with this very value.
        cur.execute("DROP TABLE IF EXISTS bench.vocab")
        vocab_sec, _ = timed(cur, "CREATE TABLE bench.vocab AS SELECT tweetlda.vocabulary("
                             "tweetlda.tokenize(text), %s, %s, %s) AS v FROM bench.tweets "
                             "WHERE NOT heldout", (float(MIN_DF), float(MAX_DF), MAX_TERMS))
        log("vocabulary built by tweetlda.vocabulary in %.2f s" % vocab_sec)
        cur.execute("SELECT t.term_id, t.term, t.df FROM bench.vocab, tweetlda.vocab_terms(v) t "
                    "ORDER BY t.term_id")
        vt = cur.fetchall()
        terms = [r[1] for r in vt]
        df = [r[2] for r in vt]
        if [r[0] for r in vt] != list(range(1, len(vt) + 1)):
            loud("tweetlda.vocab_terms term ids are not 1..n")
    else:
        if source == "tweetlda":
            loud("tweetlda.vocabulary does not exist in this build: building the vocabulary in "
                 "Python with CountVectorizer semantics")
        terms, df = python_vocabulary([tokens[i] for i in range(len(ids)) if not heldout[i]],
                                      MIN_DF, MAX_DF, MAX_TERMS)
    c = Corpus(ids, heldout, tokens, terms, df, source)
    c.vocab_seconds = vocab_sec
    log(c.describe())
    return c


# ---------------------------------------------------------------------------------------------
# The shared evaluator
# ---------------------------------------------------------------------------------------------

def infer_theta(phi, alpha, docs, max_iter=200, tol=1e-6):
    """Topic proportions of word-id lists given a topic-word matrix phi (K x V, rows sum to 1)
    and a Dirichlet prior alpha (K): the variational E-step of LDA (Blei, Ng & Jordan 2003) with
    phi held fixed, vectorized over all documents; returns the posterior mean of theta (D x K)."""
    import numpy as np
    from scipy.special import digamma
    import scipy.sparse as sp
    K = phi.shape[0]
    alpha = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (K,))
    X = counts_matrix(docs, phi.shape[1]).tocoo()
    d, w, c = X.row, X.col, X.data
    phiT = np.ascontiguousarray(phi.T)                    # V x K
    pw = phiT[w]                                          # nnz x K
    nd = np.asarray(X.sum(axis=1)).ravel()
    S = sp.csr_matrix((np.ones_like(c), (d, np.arange(len(d)))), shape=(len(docs), len(d)))
    gamma = alpha[None, :] + (nd / K)[:, None]
    for _ in range(max_iter):
        e = np.exp(digamma(gamma) - digamma(gamma.sum(axis=1))[:, None])   # D x K
        r = e[d] * pw                                                        # nnz x K
        r *= (c / r.sum(axis=1))[:, None]
        new = alpha[None, :] + S @ r                                       # sum over words
        delta = np.abs(new - gamma).mean()
        gamma = new
        if delta < tol:
            break
    return gamma / gamma.sum(axis=1)[:, None]


def heldout_perplexity(phi, alpha, corpus):
    """Per-token held-out perplexity exp(-sum log p(w | theta, phi) / N) of the corpus's
    held-out tweets: theta inferred from the observed half, p(w) = sum_k theta_k phi_kw on the
    scored half. Every model is evaluated by this one routine."""
    import numpy as np
    phi = np.asarray(phi, dtype=np.float64)
    phi = phi / phi.sum(axis=1, keepdims=True)
    obs, sco = corpus.heldout_halves()
    theta = infer_theta(phi, alpha, obs)
    ll, n = 0.0, 0
    for i, ws in enumerate(sco):
        p = theta[i] @ phi[:, ws]
        ll += np.log(p).sum()
        n += len(ws)
    return float(np.exp(-ll / n))


def npmi_diversity(phi, corpus, top_n=10, div_n=25):
    """Coherence and diversity of a topic-word matrix phi (K x V), as tweetlda.evaluate() defines
    them: NPMI of every pair of a topic's top_n most probable terms over the held-out tweets
    (document co-occurrence; a pair never seen together counts -1; mean per topic, then over the
    topics), and the share of distinct terms among the topics' div_n most probable terms.
    Returns (npmi, diversity)."""
    import numpy as np
    phi = np.asarray(phi, dtype=np.float64)
    K, V = phi.shape
    docs = [set(corpus.word_ids[i]) for i in range(len(corpus.ids)) if corpus.heldout[i]]
    D = float(len(docs))
    order = np.argsort(-phi, axis=1, kind="stable")
    top = order[:, :top_n]
    wanted = set(int(w) for w in top.ravel())
    df = Counter()
    co = Counter()
    for d in docs:
        present = sorted(d & wanted)
        df.update(present)
        for i in range(len(present)):
            for j in range(i + 1, len(present)):
                co[(present[i], present[j])] += 1
    scores = []
    for t in range(K):
        ws = [int(w) for w in top[t]]
        total, pairs = 0.0, 0
        for i in range(len(ws)):
            for j in range(i + 1, len(ws)):
                a, b = min(ws[i], ws[j]), max(ws[i], ws[j])
                pab = co[(a, b)] / D
                pairs += 1
                if pab <= 0:
                    total += -1.0
                elif pab >= 1:
                    total += 1.0
                else:
                    total += np.log(pab / ((df[a] / D) * (df[b] / D))) / -np.log(pab)
        scores.append(total / pairs if pairs else 0.0)
    div = len(set(int(w) for w in order[:, :div_n].ravel())) / float(K * min(div_n, V))
    return float(np.mean(scores)), div


def unigram_perplexity(corpus):
    """Held-out perplexity of the unigram model (training word frequencies + 0.01), by the same
    routine (one topic): the baseline a topic model should beat."""
    import numpy as np
    f = np.asarray(corpus.train_matrix().sum(axis=0)).ravel() + 0.01
    return heldout_perplexity(f[None, :], [1.0], corpus)


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------

def tweetlda_matrix(conn, corpus, model_sql, args=()):
    """(phi K x V in the corpus's term order, alpha K) of a tweetlda model: topic_word() and
    model_info(); model_sql is an SQL expression of the model (e.g. a subquery)."""
    import numpy as np
    cur = conn.cursor()
    cur.execute("SELECT tweetlda.model_info(%s)" % model_sql, args)
    info = cur.fetchone()[0]
    K = int(info["k"])
    alpha = info["alpha"]
    alpha = np.asarray(alpha if isinstance(alpha, list) else [alpha] * K, dtype=np.float64)
    cur.execute("SELECT topic, term, weight FROM tweetlda.topic_word(%s)" % model_sql, args)
    rows = cur.fetchall()
    phi = np.zeros((K, corpus.V))
    missing = set()
    for topic, term, weight in rows:
        j = corpus.term_index.get(term)
        if j is None:
            missing.add(term)
        else:
            phi[topic - 1, j] = weight
    model_terms = len({r[1] for r in rows})
    if missing or model_terms != corpus.V:
        loud("tweetlda model vocabulary differs from the shared one: %d model terms, %d shared, "
             "%d model terms not shared (perplexity is computed over the shared terms; terms the "
             "model lacks get a tiny probability)" % (model_terms, corpus.V, len(missing)))
        phi += 1e-12
    return phi, alpha, info


# Spark's online defaults, which tweetlda uses: mini-batches of 5% of the documents,
# learning_offset (tau0) 1024, learning_decay (kappa) 0.51.
SPARK_SUBSAMPLING = 0.05
SPARK_OFFSET = 1024.0
SPARK_DECAY = 0.51


def train_end_to_end(conn, name, source, k, seed=SEED, vocab_args=None):
    """Train a tweetlda model from raw text end to end and store it in tweetlda.models as `name`:
    tweetlda.train(name, source, k => k, seed => seed) with its default vocabulary options (or
    vocab_args = (min_df, max_df, max_terms)). If train() fails in this build, say so loudly and
    do what it does in two timed statements: tweetlda.vocabulary over tweetlda.tokenize, then the
    tweetlda.lda() aggregate (CREATE TABLE AS, parallel-capable), then store the model.
    Returns (seconds, model id, how, [(stage, seconds)])."""
    import json as _json
    cur = conn.cursor()
    cur.execute("DELETE FROM tweetlda.models WHERE name = %s", (name,))
    vargs = ""
    if vocab_args:
        vargs = ", min_df => %s, max_df => %s, max_terms => %s" % tuple(vocab_args)
    try:
        sec, rows = timed(cur, "SELECT tweetlda.train(%%s, %%s, k => %%s, seed => %%s%s)" % vargs,
                          (name, source, k, seed))
        return sec, rows[0][0], "tweetlda.train()", []
    except Exception as e:
        loud("tweetlda.train() failed in this build (%s): timing what it does instead, "
             "tweetlda.vocabulary then the tweetlda.lda() aggregate" % str(e).splitlines()[0])
    min_df, max_df, max_terms = vocab_args or (3.0, 0.5, 20000)   # train()'s defaults
    cur.execute("DROP TABLE IF EXISTS bench.e2e_vocab, bench.e2e_model")
    v_sec, _ = timed(cur, "CREATE TABLE bench.e2e_vocab AS SELECT tweetlda.vocabulary("
                          "tweetlda.tokenize(s.doc), %%s, %%s, %%s) AS v FROM (%s) AS s(doc)" % source,
                     (float(min_df), float(max_df), int(max_terms)))
    params = _json.dumps({"k": k, "seed": seed})
    m_sec, _ = timed(cur, "CREATE TABLE bench.e2e_model AS SELECT tweetlda.lda(s.doc, "
                          "(SELECT v FROM bench.e2e_vocab), %%s::jsonb) AS model FROM (%s) AS s(doc)"
                          % source, (params,))
    t = time.perf_counter()
    cur.execute("INSERT INTO tweetlda.models (name, k, params, model) "
                "SELECT %s, %s, %s::jsonb, model FROM bench.e2e_model RETURNING id",
                (name, k, params))
    model_id = cur.fetchone()[0]
    s_sec = time.perf_counter() - t
    return (v_sec + m_sec + s_sec, model_id, "tweetlda.vocabulary + tweetlda.lda() (train() failed)",
            [("vocabulary (tokenize + count)", v_sec), ("lda() aggregate (tokenize + train)", m_sec),
             ("store", s_sec)])


def gensim_fit(corpus, k, passes, workers=2, spark=False):
    """Train gensim LdaMulticore on the shared bag-of-words, with gensim's learning defaults or
    (spark=True) Spark's mini-batch size, offset and decay; returns (seconds, phi, alpha, model)."""
    from gensim.models import LdaMulticore
    bow = corpus.train_bow()
    id2word = {i: t for i, t in enumerate(corpus.terms)}
    kw = {}
    if spark:
        # LdaMulticore updates the model once per `workers` chunks.
        kw = dict(chunksize=max(1, int(round(len(bow) * SPARK_SUBSAMPLING / workers))),
                  offset=SPARK_OFFSET, decay=SPARK_DECAY)
    t = time.perf_counter()
    m = LdaMulticore(corpus=bow, id2word=id2word, num_topics=k, workers=workers, passes=passes,
                     alpha="symmetric", eta=1.0 / k, random_state=SEED, eval_every=None, **kw)
    sec = time.perf_counter() - t
    return sec, m.get_topics(), m.alpha, m


def sklearn_fit(corpus, k, passes, n_jobs=2, spark=False):
    """Train scikit-learn online LDA on the shared counts, with scikit-learn's learning defaults
    or (spark=True) Spark's mini-batch size, offset and decay; returns (seconds, phi, alpha,
    model)."""
    from sklearn.decomposition import LatentDirichletAllocation
    X = corpus.train_matrix()
    kw = {}
    if spark:
        kw = dict(batch_size=max(1, int(round(X.shape[0] * SPARK_SUBSAMPLING))),
                  learning_offset=SPARK_OFFSET, learning_decay=SPARK_DECAY)
    m = LatentDirichletAllocation(n_components=k, learning_method="online", max_iter=passes,
                                  n_jobs=n_jobs, doc_topic_prior=1.0 / k, topic_word_prior=1.0 / k,
                                  total_samples=X.shape[0], random_state=SEED, **kw)
    t = time.perf_counter()
    m.fit(X)
    sec = time.perf_counter() - t
    phi = m.components_ / m.components_.sum(axis=1, keepdims=True)
    return sec, phi, m.doc_topic_prior_, m


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop()
    elif sys.argv[1:] == ["start"]:
        start().close()
        print("benchmark cluster running: psql -h %s -p %d -U postgres %s" % (WORK, PORT, DBNAME))
    else:
        print("usage: python3 bench/lib/ldabench.py start|stop", file=sys.stderr)
        sys.exit(2)
