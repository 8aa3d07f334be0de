#!/usr/bin/perl
# Seeded synthetic corpus with planted LDA topics, for testing that training recovers them.
#
# Usage: test/gen_planted_corpus.pl [--topics K] [--words W] [--shared S] [--docs D]
#            [--length L] [--alpha A] [--focus F] [--seed N] DOCS_FILE TRUTH_FILE
#
# Vocabulary: K x W topic words plus S shared words, each a made-up lowercase word of 5 to 8
# letters (no stopword, unchanged by the tokenizer when stemming is off). Topic t puts mass F on
# its own W words (weights drawn from Dirichlet(1)) and 1 - F on the shared words (uniform).
# Each document draws a topic mix from Dirichlet(A) and L words from that mixture.
# DOCS_FILE gets one document per line; TRUTH_FILE gets "topic<TAB>word<TAB>probability" lines
# (topics numbered from 1). Deterministic for a seed: its own xorshift64* generator.
use strict;
use warnings;
use Getopt::Long;
no warnings "portable";

my ($K, $W, $S, $D, $L, $A, $F, $seed) = (5, 30, 20, 3000, 12, 0.2, 0.9, 1);
GetOptions('topics=i' => \$K, 'words=i' => \$W, 'shared=i' => \$S, 'docs=i' => \$D,
	'length=i' => \$L, 'alpha=f' => \$A, 'focus=f' => \$F, 'seed=i' => \$seed)
  or die "bad options\n";
@ARGV == 2 or die "usage: $0 [options] DOCS_FILE TRUTH_FILE\n";
my ($docs_file, $truth_file) = @ARGV;

# xorshift64* generator (64-bit integers), uniform in (0, 1)
my $state = ($seed * 2654435761 + 88172645463325252) & 0xFFFFFFFFFFFFFFFF;
$state ||= 1;
sub uniform
{
	use integer;
	$state ^= ($state >> 12) & 0x000FFFFFFFFFFFFF;
	$state ^= $state << 25;
	$state ^= ($state >> 27) & 0x0000001FFFFFFFFF;
	my $x = ($state * 2685821657736338717) >> 11 & 0x001FFFFFFFFFFFFF;
	no integer;
	return ($x + 0.5) / 9007199254740992.0;
}

# standard normal (Box-Muller)
sub normal { return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform()); }

# Gamma(shape, 1) (Marsaglia & Tsang; boosted for shape < 1)
sub gamma
{
	my ($a) = @_;
	return gamma($a + 1) * uniform()**(1 / $a) if $a < 1;
	my $d = $a - 1 / 3;
	my $c = 1 / sqrt(9 * $d);
	while (1)
	{
		my $x = normal();
		my $v = 1 + $c * $x;
		next if $v <= 0;
		$v = $v**3;
		return $d * $v if log(uniform()) < 0.5 * $x * $x + $d - $d * $v + $d * log($v);
	}
}

# Dirichlet(a, ..., a) of dimension n
sub dirichlet
{
	my ($a, $n) = @_;
	my @g = map { gamma($a) } 1 .. $n;
	my $sum = 0;
	$sum += $_ for @g;
	return map { $_ / $sum } @g;
}

# a made-up word that is not yet used
my %used;
sub word
{
	my @c = split //, 'bcdfghjklmnpqrtvwxz';
	my @v = split //, 'aiou';
	while (1)
	{
		my $len = 5 + int(uniform() * 4);
		my $w = join '', map { $_ % 2 ? $v[int(uniform() * @v)] : $c[int(uniform() * @c)] } 0 .. $len - 1;
		next if $used{$w}++;
		return $w;
	}
}

my @words = map { word() } 1 .. $K * $W + $S;
my @shared = @words[$K * $W .. $#words];

# topic-word distributions over the whole vocabulary
my @beta;
for my $t (0 .. $K - 1)
{
	my @p = (0) x @words;
	my @own = dirichlet(1.0, $W);
	$p[$t * $W + $_] = $F * $own[$_] for 0 .. $W - 1;
	$p[$K * $W + $_] = (1 - $F) / $S for 0 .. $S - 1;
	push @beta, \@p;
}

# draw an index from a discrete distribution
sub draw
{
	my ($p) = @_;
	my $u = uniform();
	for my $i (0 .. $#$p)
	{
		$u -= $p->[$i];
		return $i if $u <= 0;
	}
	return $#$p;
}

open(my $out, '>', $docs_file) or die "$docs_file: $!";
for (1 .. $D)
{
	my @theta = dirichlet($A, $K);
	my @doc = map { $words[ draw($beta[ draw(\@theta) ]) ] } 1 .. $L;
	print $out join(' ', @doc), "\n";
}
close $out;

open(my $truth, '>', $truth_file) or die "$truth_file: $!";
for my $t (0 .. $K - 1)
{
	for my $i (0 .. $#words)
	{
		printf $truth "%d\t%s\t%.10f\n", $t + 1, $words[$i], $beta[$t][$i] if $beta[$t][$i] > 0;
	}
}
close $truth;
