/// docs/FOLDS.md transcribed into Python from the document alone, so a test can check that the
/// Swift planner does exactly what the document says, draw for draw.
///
/// Input: cases, each a line `strategy K R seed n C` followed by `n` lines `concepts group`, where
/// `concepts` is a comma-separated list of concept indices or `-`, and `group` a name or `-`.
/// Output: `R` lines per case, the fold of every row.
enum FoldSpecTranscription {
    static let script = #"""
        import sys
        M = (1 << 64) - 1
        G = 0x9E3779B97F4A7C15

        def mix(z):
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
            return z ^ (z >> 31)

        def rotl(x, k):
            return ((x << k) | (x >> (64 - k))) & M

        class Rng:
            def __init__(self, seed):
                self.s = [mix((seed + (i + 1) * G) & M) for i in range(4)]
            def next(self):
                s = self.s
                r = (rotl((s[1] * 5) & M, 7) * 9) & M
                t = (s[1] << 17) & M
                s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
                s[3] = rotl(s[3], 45)
                return r
            def below(self, n):
                m = self.next() * n
                if (m & M) < n:
                    t = ((1 << 64) - n) % n
                    while (m & M) < t:
                        m = self.next() * n
                return m >> 64
            def shuffle(self, a):
                for i in range(len(a) - 1, 0, -1):
                    j = self.below(i + 1)
                    a[i], a[j] = a[j], a[i]
            def permutation(self, n):
                a = list(range(n)); self.shuffle(a); return a

        def random_split(rows, K, rng):
            n = len(rows); order = rng.permutation(n); fold = [0] * n; start = 0
            for f in range(K):
                size = n // K + (1 if f < n % K else 0)
                for p in range(start, start + size): fold[order[p]] = f
                start += size
            return fold

        def stratified_split(rows, K, rng):
            code = {}; encoded = []
            for concepts in rows:
                c = concepts[0]
                if c not in code: code[c] = len(code)
                encoded.append(code[c])
            ys = sorted(encoded)
            alloc = [[0] * len(code) for _ in range(K)]
            for f in range(K):
                for y in ys[f::K]: alloc[f][y] += 1
            fold = [0] * len(rows)
            for c in range(len(code)):
                labels = [f for f in range(K) for _ in range(alloc[f][c])]
                rng.shuffle(labels)
                members = [i for i, y in enumerate(encoded) if y == c]
                for i, f in zip(members, labels): fold[i] = f
            return fold

        def group_split(groups, K, rng):
            index = {}; sizes = []; of_row = []
            for g in groups:
                if g not in index: index[g] = len(sizes); sizes.append(0)
                sizes[index[g]] += 1; of_row.append(index[g])
            drawn = rng.permutation(len(sizes))
            order = sorted(range(len(drawn)), key=lambda p: (-sizes[drawn[p]], p))
            weight = [0] * K; fold_of = [0] * len(sizes)
            for p in order:
                g = drawn[p]; f = min(range(K), key=lambda f: (weight[f], f))
                weight[f] += sizes[g]; fold_of[g] = f
            return [fold_of[g] for g in of_row]

        def multilabel_split(rows, C, K, rng):
            n = len(rows); order = rng.permutation(n)
            counts = [sum(1 for r in rows if c in r) for c in range(C)]
            want = [[counts[c] for c in range(C)] for _ in range(K)]
            want_rows = [n] * K
            unplaced = list(counts)
            fold = [-1] * n
            def pick(cands): return cands[0] if len(cands) == 1 else cands[rng.below(len(cands))]
            def best_fold(desire):
                top = max(desire(f) for f in range(K))
                cands = [f for f in range(K) if desire(f) == top]
                top_rows = max(want_rows[f] for f in cands)
                return pick([f for f in cands if want_rows[f] == top_rows])
            while any(unplaced):
                fewest = min(u for u in unplaced if u > 0)
                l = pick([c for c in range(C) if unplaced[c] == fewest])
                for i in order:
                    if fold[i] >= 0 or l not in rows[i]: continue
                    f = best_fold(lambda f: want[f][l])
                    fold[i] = f; want_rows[f] -= K
                    for c in rows[i]: want[f][c] -= K; unplaced[c] -= 1
            empty = [i for i in order if not rows[i]]
            want_empty = [len(empty)] * K
            for i in empty:
                f = best_fold(lambda f: want_empty[f])
                fold[i] = f; want_rows[f] -= K; want_empty[f] -= K
            return fold

        lines = sys.stdin.read().split("\n")
        at = 0
        while at < len(lines) and lines[at].strip():
            strategy, K, R, seed, n, C = lines[at].split(); K, R, seed, n, C = int(K), int(R), int(seed), int(n), int(C)
            rows, groups = [], []
            for line in lines[at + 1: at + 1 + n]:
                concepts, group = line.split()
                rows.append([] if concepts == "-" else [int(c) for c in concepts.split(",")])
                groups.append(group)
            at += 1 + n
            for r in range(R):
                rng = Rng(mix((seed + (r + 1) * G) & M))
                if strategy == "random": fold = random_split(rows, K, rng)
                elif strategy == "stratified": fold = stratified_split(rows, K, rng)
                elif strategy == "group": fold = group_split(groups, K, rng)
                else: fold = multilabel_split(rows, C, K, rng)
                print(" ".join(map(str, fold)))
        """#
}
