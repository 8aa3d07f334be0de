#!/usr/bin/python3
"""Trained sentiment classifiers: tweetlda against scikit-learn and fastText on the same rows.

Run by bench/sentiment_train, which starts a private instance and sets PSQL (a command line that
runs psql on a database with the extension).

Labelled sets (../shared/data), each split once 80% train / 20% test by a seeded permutation
(seed 20261205); every system trains on the same training rows and is scored on the same test rows:
  manual  sentiment140_testdata_manual: 498 tweets labelled by people, 3 classes.
  s140    sentiment140_subset_20k: 20,000 tweets labelled by their emoticons, 2 classes.
  crisis  CrisisLex T26 informativeness (related and informative / related but not informative /
          not related), 3 classes: not sentiment, a domain label set.

Systems:
  tweetlda   tweetlda.train_sentiment(name, 'SELECT text, label FROM ... WHERE train', holdout => 0)
             with its defaults (and "-social": params => '{"social": false}'); trained and scored
             through SQL; time = the whole call, timed in the server (rows read, features
             extracted (the social signals in a helper thread), L-BFGS (two threads for two
             classes), the model stored), the median of SENTIMENT_TRAIN_RUNS (3) calls in a
             session that has already trained once on the 4 rows of bench_warm (loading the
             library, the lexicons and the catalog caches, as the peers' timing leaves out
             `import sklearn` and Python's start); "cold s" = the same call as the first
             statement of a new session (what a one-off psql -c pays).
  sklearn    TfidfVectorizer(ngram_range=(1, 2)) + LogisticRegression() (lbfgs, C=1), time =
             vectorizer fit + model fit, one process, the median of SENTIMENT_TRAIN_RUNS fits.
  fasttext   fasttext supervised -wordNgrams 2 -thread <cores> (Debian's fasttext, its defaults
             otherwise: 5 epochs, dim 100, 2M hash buckets), on lowercased text; time = the
             command's wall clock (it includes writing its 800 MB model file).
  social, vader (nltk): the lexicon analyzers (no training), labelled at +-0.05.
Then the learning curve (100, 500, 2000, all training labels: the first n rows of the permuted
training split) on s140 and manual; scoring speed (tweets/s on one core); and the active-learning
loop on s140 (500 random labels, then the 500 the model is least sure about, against 500 more
random ones).
"""
import csv
import gzip
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

DATA = sys.argv[1] if len(sys.argv) > 1 else '../shared/data'
PSQL = shlex.split(os.environ.get('PSQL', 'psql -X'))
SEED = 20261205
THREADS = os.cpu_count() or 1
RUNS = int(os.environ.get('SENTIMENT_TRAIN_RUNS', '3'))  # timed fits per system (median)
GOLD = {'0': 'negative', '2': 'neutral', '4': 'positive'}
CRISIS = {'Related and informative': 'informative', 'Related - but not informative': 'related',
          'Not related': 'unrelated'}


def read_s140(path, gz):
    """Rows (label, text) of a Sentiment140 CSV file."""
    f = gzip.open(path, 'rt', encoding='utf-8') if gz else open(path, encoding='utf-8')
    with f:
        return [(GOLD[r[0]], r[5]) for r in csv.reader(f)]


def read_crisis(path):
    """Rows (label, text) of the CrisisLex T26 tweets with an informativeness label."""
    with gzip.open(path, 'rt', encoding='utf-8') as f:
        return [(CRISIS[r['label_informativeness']], r['text']) for r in csv.DictReader(f)
                if r['collection'] == 'CrisisLexT26' and r['label_informativeness'] in CRISIS]


def split(rows):
    """The same 80/20 split for every system: a seeded permutation."""
    idx = list(range(len(rows)))
    random.Random(SEED).shuffle(idx)
    cut = int(len(rows) * 0.8)
    return [rows[i] for i in idx[:cut]], [rows[i] for i in idx[cut:]]


def psql(sql, stdin=None):
    """Run statements with psql and return the unaligned output lines."""
    out = subprocess.run(PSQL + ['-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], input=stdin,
                         capture_output=True, text=True, check=True).stdout
    return out.split('\n')[:-1] if out else []


def timed(sql, warmup=None, before=None, runs=1):
    """Median seconds of runs executions of one statement, timed in the server, in one new
    session (after warmup if given; before runs untimed ahead of each execution)."""
    cmds = ['-c', warmup] if warmup else []
    for _ in range(runs):
        cmds += (['-c', before] if before else []) + ['-c',
                 "DO $$DECLARE t0 timestamptz := clock_timestamp(); BEGIN PERFORM %s; "
                 "RAISE NOTICE 'secs=%%', extract(epoch FROM clock_timestamp() - t0); END$$" % sql]
    out = subprocess.run(PSQL + ['-At', '-v', 'ON_ERROR_STOP=1'] + cmds,
                         capture_output=True, text=True, check=True).stderr
    return statistics.median(float(x.split()[0]) for x in out.split('secs=')[1:])


def copy_rows(table, rows):
    """Load (label, text, train) rows into a table (n, label, body, train)."""
    psql('DROP TABLE IF EXISTS %s; CREATE TABLE %s (n int, label text, body text, train bool)'
         % (table, table))
    esc = lambda t: (t.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
                     .replace('\r', '\\r'))
    data = ''.join('%d\t%s\t%s\t%s\n' % (i, l, esc(t), 't' if tr else 'f')
                   for i, (l, t, tr) in enumerate(rows))
    psql('COPY %s FROM STDIN' % table, stdin=data)
    # vacuumed and checkpointed as a loaded table would be: no autovacuum or hint-bit writes
    # of the fresh rows run alongside a timed call
    psql('VACUUM (ANALYZE) %s' % table)
    psql('CHECKPOINT')


def metrics(gold, pred, classes):
    """Accuracy and macro-F1 over the gold classes."""
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    f1s = []
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return acc, sum(f1s) / len(f1s)


WARM_ROWS = [('positive', 'I love this, what a great day :)'), ('positive', 'so happy and good'),
             ('negative', 'I hate this, what an awful day :('), ('negative', 'so sad and bad')]


def tweetlda_fit(train, test, name='bench_model', params='{}', cold=None, runs=RUNS):
    """Train through SQL on the training rows; (seconds in a warm session, test predictions).

    cold: a dict that receives the seconds of the same call as the first one of a new session."""
    copy_rows('bench_rows', [(l, t, True) for l, t in train] + [(l, t, False) for l, t in test])
    call = ("tweetlda.train_sentiment('%s', 'SELECT body, label FROM bench_rows WHERE train', "
            "holdout => 0, params => '%s', replace => true)" % (name, params))
    if cold is not None:
        psql("DELETE FROM tweetlda.sentiment_models WHERE name = '%s'" % name)
        cold[name] = timed(call)
    secs = timed(call, warmup="SELECT tweetlda.train_sentiment('bench_warmup', 'SELECT body, "
                 "label FROM bench_warm', holdout => 0, params => '%s', replace => true)" % params,
                 before="DELETE FROM tweetlda.sentiment_models WHERE name = '%s'" % name, runs=runs)
    pred = psql("SELECT tweetlda.sentiment_label(body, '%s') FROM bench_rows WHERE NOT train "
                "ORDER BY n" % name)
    return secs, pred


def sklearn_fit(train, test, runs=RUNS):
    """TF-IDF 1-2 grams + logistic regression; (median seconds of RUNS fits, test predictions)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        vec = TfidfVectorizer(ngram_range=(1, 2))
        x = vec.fit_transform([t for _, t in train])
        clf = LogisticRegression(max_iter=1000).fit(x, [l for l, _ in train])
        times.append(time.perf_counter() - t0)
    return statistics.median(times), list(clf.predict(vec.transform([t for _, t in test])))


def fasttext_fit(train, test, work):
    """fasttext supervised -wordNgrams 2; (seconds, test predictions)."""
    clean = lambda t: ' '.join(t.lower().split())
    tr = os.path.join(work, 'ft_train.txt')
    te = os.path.join(work, 'ft_test.txt')
    with open(tr, 'w', encoding='utf-8') as f:
        for l, t in train:
            f.write('__label__%s %s\n' % (l, clean(t)))
    with open(te, 'w', encoding='utf-8') as f:
        for _, t in test:
            f.write('%s\n' % clean(t))
    model = os.path.join(work, 'ft_model')
    t0 = time.perf_counter()
    subprocess.run(['fasttext', 'supervised', '-input', tr, '-output', model, '-wordNgrams', '2',
                    '-thread', str(THREADS), '-verbose', '0'], check=True, capture_output=True)
    secs = time.perf_counter() - t0
    out = subprocess.run(['fasttext', 'predict', model + '.bin', te], check=True,
                         capture_output=True, text=True).stdout.split('\n')[:-1]
    return secs, [o.replace('__label__', '') for o in out]


def lexicon_preds(test):
    """Labels of social (through SQL) and of NLTK's VADER on the test rows."""
    preds = {'social': psql("SELECT tweetlda.sentiment_label(tweetlda.polarity(body, 'social')) "
                            "FROM bench_rows WHERE NOT train ORDER BY n")}
    try:
        from nltk.sentiment.vader import SentimentIntensityAnalyzer
    except ImportError:
        return preds
    with open(os.path.join(DATA, 'vader_lexicon/vader_lexicon.txt'), encoding='utf-8') as f:
        text = f.read().rstrip('\n')
    with tempfile.NamedTemporaryFile('w', suffix='.txt', encoding='utf-8', delete=False) as tmp:
        tmp.write(text)
    sia = SentimentIntensityAnalyzer(lexicon_file='file:' + tmp.name)
    os.unlink(tmp.name)
    out = []
    for _, t in test:
        c = sia.polarity_scores(t)['compound']
        out.append('positive' if c >= 0.05 else 'negative' if c <= -0.05 else 'neutral')
    preds['vader (nltk)'] = out
    return preds


def compare(name, rows, work, sentiment=True):
    """Every system on one set: macro-F1, accuracy, training seconds and ratio."""
    train, test = split(rows)
    classes = sorted(set(l for l, _ in rows))
    gold = [l for l, _ in test]
    print('\n%s: %d rows, %d train / %d test, classes %s' % (name, len(rows), len(train),
                                                             len(test), ', '.join(classes)))
    res = {}
    cold = {}
    res['tweetlda'] = tweetlda_fit(train, test, cold=cold)
    res['tweetlda -social'] = tweetlda_fit(train, test, 'bench_nosocial', '{"social": false}', cold)
    res['sklearn'] = sklearn_fit(train, test)
    res['fasttext'] = fasttext_fit(train, test, work)
    peers = min(res['sklearn'][0], res['fasttext'][0])
    colds = [cold['bench_model'], cold['bench_nosocial'], None, None]
    print('%-17s %9s %9s %9s %16s %9s %11s' % ('system', 'macro-F1', 'accuracy', 'fit s',
                                               'fastest peer/fit', 'cold s', 'peer/cold'))
    for (s, (secs, pred)), c in zip(res.items(), colds):
        acc, f1 = metrics(gold, pred, classes)
        print('%-17s %9.4f %9.4f %9.3f %16.2f %9s %11s'
              % (s, f1, acc, secs, peers / secs, '%.3f' % c if c else '-',
                 '%.2f' % (peers / c) if c else '-'))
    if sentiment:
        for s, pred in lexicon_preds(test).items():
            acc, f1 = metrics(gold, pred, classes)
            print('%-17s %9.4f %9.4f %9s %16s' % (s, f1, acc, '-', '-'))


def learning_curve(name, rows, work):
    """macro-F1 at 100, 500, 2000 and all training labels."""
    train, test = split(rows)
    classes = sorted(set(l for l, _ in rows))
    gold = [l for l, _ in test]
    sizes = [n for n in (100, 500, 2000) if n < len(train)] + [len(train)]
    print('\nlearning curve, %s (macro-F1 on the same %d test rows)' % (name, len(test)))
    print('%-8s %9s %9s %9s %9s %9s' % ('labels', 'tweetlda', 'sklearn', 'fasttext', 'social',
                                        'vader'))
    lex = None
    for n in sizes:
        part = train[:n]
        f = {}
        for s, fit in (('tweetlda', lambda: tweetlda_fit(part, test, runs=1)),
                       ('sklearn', lambda: sklearn_fit(part, test, runs=1)),
                       ('fasttext', lambda: fasttext_fit(part, test, work))):
            f[s] = metrics(gold, fit()[1], classes)[1]
        if lex is None:
            lex = {s: metrics(gold, p, classes)[1] for s, p in lexicon_preds(test).items()}
        print('%-8d %9.4f %9.4f %9.4f %9.4f %9.4f' % (n, f['tweetlda'], f['sklearn'],
                                                      f['fasttext'], lex.get('social', 0),
                                                      lex.get('vader (nltk)', 0)))


def active_learning(rows):
    """500 random labels; then +500 least sure (sentiment_uncertain) against +500 random."""
    train, test = split(rows)
    classes = sorted(set(l for l, _ in rows))
    copy_rows('bench_rows', [(l, t, True) for l, t in train] + [(l, t, False) for l, t in test])
    psql('DROP TABLE IF EXISTS bench_labelled; CREATE TABLE bench_labelled AS '
         'SELECT n FROM bench_rows WHERE train AND n < 500')

    def f1(model):
        e = psql("SELECT tweetlda.evaluate_sentiment('%s', 'SELECT body, label FROM bench_rows "
                 "WHERE NOT train')->>'macro_f1'" % model)
        return float(e[0])

    def train_on(model, where):
        psql("SELECT tweetlda.train_sentiment('%s', 'SELECT body, label FROM bench_rows r "
             "WHERE %s', holdout => 0, replace => true)" % (model, where.replace("'", "''")))
    train_on('al', 'r.n IN (SELECT n FROM bench_labelled)')
    start = f1('al')
    # a person labels the 500 texts the model is least sure about (here: their gold labels)
    psql("INSERT INTO bench_labelled SELECT r.n FROM tweetlda.sentiment_uncertain('al', "
         "'SELECT body FROM bench_rows WHERE train AND n NOT IN (SELECT n FROM bench_labelled)', 500) u "
         "JOIN bench_rows r ON r.body = u.doc AND r.train "
         "WHERE r.n NOT IN (SELECT n FROM bench_labelled) "
         "ON CONFLICT DO NOTHING")
    labelled = int(psql('SELECT count(DISTINCT n) FROM bench_labelled')[0])
    train_on('al', 'r.n IN (SELECT n FROM bench_labelled)')
    uncertain = f1('al')
    train_on('al', 'r.train AND r.n < %d' % labelled)
    rand = f1('al')
    print('\nactive learning, s140 (macro-F1 on the same test rows)')
    print('500 random labels:                         %.4f' % start)
    print('+ the 500 least sure (%d labels in all):   %.4f' % (labelled, uncertain))
    print('+ 500 random ones instead (%d labels):     %.4f' % (labelled, rand))


def speed():
    """Tweets per second of the classifier (and of social) on one core."""
    path = os.path.join(DATA, 'tweets_corpus_combined/tweets_combined.csv.gz')
    if not os.path.exists(path):
        print('speed skipped: %s is absent' % path)
        return
    with gzip.open(path, 'rt', encoding='utf-8') as f:
        texts = [r['text'] for r in csv.DictReader(f)]
    copy_rows('bench_speed', [('', t, False) for t in texts])
    n = len(texts)
    print('\nscoring speed on %d tweets (one core: max_parallel_workers_per_gather = 0, best of 3)'
          % n)
    for what, expr in (('table scan', 'length(body)'),
                       ('social polarity', "tweetlda.polarity(body, 'social')"),
                       ('classifier polarity', "tweetlda.polarity(body, 'bench_model')"),
                       ('... without social', "tweetlda.polarity(body, 'bench_nosocial')"),
                       ('classifier label', "tweetlda.sentiment_label(body, 'bench_model')")):
        best = min(timed("(SELECT count(%s) FROM bench_speed)" % expr) for _ in range(3))
        print('%-22s %8.3f s %10.0f tweets/s' % (what, best, n / best))


def main():
    work = tempfile.mkdtemp(prefix='sentiment_train.')
    psql('ALTER SYSTEM SET max_parallel_workers_per_gather = 2')
    psql('SELECT pg_reload_conf()')
    copy_rows('bench_warm', [(l, t, True) for l, t in WARM_ROWS])
    sets = []
    p = os.path.join(DATA, 'sentiment140_testdata_manual/testdata.manual.2009.06.14.csv')
    if os.path.exists(p):
        sets.append(('manual', read_s140(p, False), True))
    p = os.path.join(DATA, 'sentiment140_subset_20k/training.1600000.processed.noemoticon.20k-subset.csv.gz')
    if os.path.exists(p):
        sets.append(('s140', read_s140(p, True), True))
    p = os.path.join(DATA, 'crisislex/crisislex_tweets_combined.csv.gz')
    if os.path.exists(p):
        sets.append(('crisis', read_crisis(p), False))
    only = os.environ.get('SENTIMENT_TRAIN_SETS')
    for name, rows, senti in sets:
        if not only or name in only.split(','):
            compare(name, rows, work, senti)
    curves = os.environ.get('SENTIMENT_TRAIN_CURVES', '1') != '0'
    for name, rows, senti in sets:
        if curves and senti and (not only or name in only.split(',')):
            learning_curve(name, rows, work)
    for name, rows, senti in sets:
        if curves and name == 's140':
            active_learning(rows)
            tweetlda_fit(*split(rows), runs=1)      # the models that the speed test scores with
            tweetlda_fit(*split(rows), name='bench_nosocial', params='{"social": false}', runs=1)
    if os.environ.get('SENTIMENT_TRAIN_SPEED', '1') != '0':
        speed()


main()
