#!/bin/bash
# Reference solution: dynamic word buffer, a correct rehash, the +1 for the
# terminating NUL, the last word at EOF, argument checks and a bounded output loop.
set -euo pipefail
cat > /app/wordfreq.c <<'C'
/* wordfreq: print the most frequent words of a text file.
 *
 * usage: wordfreq FILE [N]
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    char *word;
    long count;
    struct entry *next;
};

static struct entry **table;
static size_t nbuckets = 1024;
static size_t nentries;

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "wordfreq: out of memory\n");
        exit(1);
    }
    return p;
}

static unsigned long hash(const char *s)
{
    unsigned long h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static void grow(void)
{
    size_t newsize = nbuckets * 2;
    struct entry **fresh = calloc(newsize, sizeof *fresh);
    if (!fresh) {
        fprintf(stderr, "wordfreq: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < nbuckets; i++) {
        struct entry *e = table[i], *next;
        for (; e; e = next) {
            next = e->next;
            size_t j = hash(e->word) % newsize;
            e->next = fresh[j];
            fresh[j] = e;
        }
    }
    free(table);
    table = fresh;
    nbuckets = newsize;
}

static void add_word(const char *w)
{
    size_t i = hash(w) % nbuckets;
    for (struct entry *e = table[i]; e; e = e->next) {
        if (strcmp(e->word, w) == 0) {
            e->count++;
            return;
        }
    }
    struct entry *e = xmalloc(sizeof *e);
    e->word = xmalloc(strlen(w) + 1);
    strcpy(e->word, w);
    e->count = 1;
    e->next = table[i];
    table[i] = e;
    if (++nentries > nbuckets * 3 / 4)
        grow();
}

static int by_count(const void *a, const void *b)
{
    const struct entry *x = *(const struct entry *const *)a;
    const struct entry *y = *(const struct entry *const *)b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->word, y->word);
}

static int is_word_byte(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: wordfreq FILE [N]\n");
        return 2;
    }
    long n = 10;
    if (argc == 3) {
        char *end;
        errno = 0;
        n = strtol(argv[2], &end, 10);
        if (errno || end == argv[2] || *end != '\0' || n <= 0) {
            fprintf(stderr, "usage: wordfreq FILE [N] (N must be a positive integer)\n");
            return 2;
        }
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        fprintf(stderr, "wordfreq: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    table = calloc(nbuckets, sizeof *table);
    if (!table) {
        fprintf(stderr, "wordfreq: out of memory\n");
        return 1;
    }

    size_t cap = 64, len = 0;
    char *word = xmalloc(cap);
    int c;
    for (;;) {
        c = fgetc(f);
        if (c != EOF && is_word_byte(c)) {
            if (len + 1 >= cap) {
                cap *= 2;
                char *bigger = realloc(word, cap);
                if (!bigger) {
                    fprintf(stderr, "wordfreq: out of memory\n");
                    return 1;
                }
                word = bigger;
            }
            word[len++] = (char)tolower(c);
        } else {
            if (len > 0) {
                word[len] = '\0';
                add_word(word);
                len = 0;
            }
            if (c == EOF)
                break;
        }
    }
    int failed = ferror(f);
    fclose(f);
    free(word);
    if (failed) {
        fprintf(stderr, "wordfreq: %s: read error\n", argv[1]);
        return 1;
    }

    struct entry **all = xmalloc(nentries * sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < nbuckets; i++)
        for (struct entry *e = table[i]; e; e = e->next)
            all[k++] = e;
    qsort(all, nentries, sizeof *all, by_count);
    for (size_t i = 0; i < nentries && i < (size_t)n; i++)
        printf("%ld %s\n", all[i]->count, all[i]->word);
    free(all);
    return 0;
}
C
cd /app
make
./wordfreq samples/release-notes.txt 5
