#!/usr/bin/python3
"""Accuracy and macro-F1 of the sentiment analyzers on labelled tweets.

Run by bench/sentiment_eval, which starts a private instance and sets PSQL (a command line that
runs psql on a database with the extension). For every data set, scores each tweet with every
analyzer of tweetlda.analyzers() through SQL (tweetlda.polarity(doc, analyzer), labelled with
tweetlda.sentiment_label(polarity), its documented default thresholds) and with NLTK's port of
VADER (python3-nltk, on the same VADER lexicon, compound thresholds +-0.05), and prints 3-class
accuracy and macro-F1.

Then the speed: tweets per second of each analyzer through SQL on one core
(SELECT count(tweetlda.polarity(text, analyzer)) over the 217,817 tweets of tweets_corpus_combined,
max_parallel_workers_per_gather = 0, best of three runs) next to NLTK's VADER over the same texts.

Data sets (../shared/data):
  manual  sentiment140_testdata_manual: 498 tweets labelled by people: 0 negative, 2 neutral,
          4 positive. Three classes.
  s140    sentiment140_subset_20k: 20,000 tweets labelled by the emoticons they had (removed
          from the text): 0 negative, 4 positive. No neutral gold label: accuracy counts a
          neutral prediction as wrong, and macro-F1 averages F1 over the two gold classes.
"""
import csv
import gzip
import os
import shlex
import subprocess
import sys
import tempfile

DATA = sys.argv[1] if len(sys.argv) > 1 else '../shared/data'
PSQL = shlex.split(os.environ.get('PSQL', 'psql -X'))
GOLD = {'0': 'negative', '2': 'neutral', '4': 'positive'}
SETS = [
    ('manual', 'sentiment140_testdata_manual/testdata.manual.2009.06.14.csv', False,
     ['negative', 'neutral', 'positive']),
    ('s140', 'sentiment140_subset_20k/training.1600000.processed.noemoticon.20k-subset.csv.gz', True,
     ['negative', 'positive']),
]


def read_set(path, gz):
    """Rows (gold label, text) of a Sentiment140 CSV file."""
    f = gzip.open(path, 'rt', encoding='utf-8') if gz else open(path, encoding='utf-8')
    with f:
        return [(GOLD[r[0]], r[5]) for r in csv.reader(f)]


def psql(sql, stdin=None):
    """Run one statement with psql and return its unaligned output lines."""
    out = subprocess.run(PSQL + ['-At', '-v', 'ON_ERROR_STOP=1', '-c', sql], input=stdin,
                         capture_output=True, text=True, check=True).stdout
    return out.split('\n')[:-1] if out else []


def sql_labels(rows, analyzers):
    """Labels of every analyzer for the texts, computed by the extension."""
    psql('DROP TABLE IF EXISTS eval_tweets; '
         'CREATE TABLE eval_tweets (n int, body text)')
    data = ''.join('%d\t%s\n' % (i, t.replace('\\', '\\\\').replace('\t', '\\t')
                                 .replace('\n', '\\n').replace('\r', '\\r'))
                   for i, (_, t) in enumerate(rows))
    psql('COPY eval_tweets FROM STDIN', stdin=data)
    labels = {}
    for a in analyzers:
        out = psql("SELECT tweetlda.sentiment_label(tweetlda.polarity(body, %s)) "
                   "FROM eval_tweets ORDER BY n" % ("'" + a.replace("'", "''") + "'"))
        labels[a] = out
    return labels


def vader_labels(rows, lexicon):
    """Labels of NLTK's VADER on the same VADER lexicon (compound >= 0.05 / <= -0.05)."""
    from nltk.sentiment.vader import SentimentIntensityAnalyzer
    with open(lexicon, encoding='utf-8') as f:
        text = f.read().rstrip('\n')    # NLTK's parser fails on a final empty line
    with tempfile.NamedTemporaryFile('w', suffix='.txt', encoding='utf-8', delete=False) as tmp:
        tmp.write(text)
    try:
        sia = SentimentIntensityAnalyzer(lexicon_file='file:' + tmp.name)
        out = []
        for _, t in rows:
            c = sia.polarity_scores(t)['compound']
            out.append('positive' if c >= 0.05 else 'negative' if c <= -0.05 else 'neutral')
        return out
    finally:
        os.unlink(tmp.name)


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


def sql_seconds(query):
    """Wall-clock seconds of one query, timed inside the server (best of three)."""
    best = None
    for _ in range(3):
        out = subprocess.run(
            PSQL + ['-At', '-v', 'ON_ERROR_STOP=1', '-c', 'SET max_parallel_workers_per_gather = 0',
                    '-c', "DO $$DECLARE t0 timestamptz := clock_timestamp(); n bigint; BEGIN "
                          "%s INTO n; RAISE NOTICE 'secs=%%', "
                          "extract(epoch FROM clock_timestamp() - t0); END$$" % query],
            capture_output=True, text=True, check=True).stderr
        secs = float(out.split('secs=')[1].split()[0])
        best = secs if best is None else min(best, secs)
    return best


def speed(analyzers):
    """Tweets per second of each analyzer on one core, and of NLTK's VADER."""
    import time
    path = os.path.join(DATA, 'tweets_corpus_combined/tweets_combined.csv.gz')
    if not os.path.exists(path):
        print('speed skipped: %s is absent' % path)
        return
    with gzip.open(path, 'rt', encoding='utf-8') as f:
        texts = [r['text'] for r in csv.DictReader(f)]
    sql_labels([(None, t) for t in texts], [])
    n = len(texts)
    scan = sql_seconds('SELECT count(length(body)) FROM eval_tweets')
    print('\nspeed on %d tweets (one core; the table scan alone takes %.3f s)' % (n, scan))
    print('%-22s %10s %12s' % ('analyzer', 'seconds', 'tweets/s'))
    rates = {}
    for a in analyzers:
        secs = sql_seconds("SELECT count(tweetlda.polarity(body, '%s')) FROM eval_tweets" % a)
        rates[a] = n / secs
        print('%-22s %10.3f %12.0f' % ('tweetlda ' + a, secs, rates[a]))
    from nltk.sentiment.vader import SentimentIntensityAnalyzer
    lexicon = os.path.join(DATA, 'vader_lexicon/vader_lexicon.txt')
    with open(lexicon, encoding='utf-8') as f:
        text = f.read().rstrip('\n')
    with tempfile.NamedTemporaryFile('w', suffix='.txt', encoding='utf-8', delete=False) as tmp:
        tmp.write(text)
    sia = SentimentIntensityAnalyzer(lexicon_file='file:' + tmp.name)
    os.unlink(tmp.name)
    t0 = time.perf_counter()
    for t in texts:
        sia.polarity_scores(t)
    secs = time.perf_counter() - t0
    print('%-22s %10.3f %12.0f' % ('vader (nltk, python)', secs, n / secs))
    for a, r in rates.items():
        print('ratio tweetlda %s / vader (nltk): %.1f' % (a, r / (n / secs)))


def main():
    analyzers = psql('SELECT name FROM tweetlda.analyzers() ORDER BY 1')
    lexicon = os.path.join(DATA, 'vader_lexicon/vader_lexicon.txt')
    print('%-8s %-14s %6s %9s %9s' % ('set', 'analyzer', 'n', 'accuracy', 'macro-F1'))
    for name, path, gz, classes in SETS:
        full = os.path.join(DATA, path)
        if not os.path.exists(full):
            print('%-8s skipped: %s is absent' % (name, full))
            continue
        rows = read_set(full, gz)
        gold = [g for g, _ in rows]
        preds = sql_labels(rows, analyzers)
        preds['vader (nltk)'] = vader_labels(rows, lexicon)
        for a, pred in preds.items():
            acc, f1 = metrics(gold, pred, classes)
            print('%-8s %-14s %6d %9.4f %9.4f' % (name, a, len(rows), acc, f1))
    if os.environ.get('SENTIMENT_EVAL_SPEED', '1') != '0':
        speed(analyzers)
    psql('DROP TABLE IF EXISTS eval_tweets')


main()
