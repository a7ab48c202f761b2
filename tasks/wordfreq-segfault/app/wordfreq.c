/* wordfreq: print the most frequent words of a text file.
 *
 * usage: wordfreq FILE [N]
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORD 32

struct entry {
    char *word;
    long count;
    struct entry *next;
};

static struct entry **table;
static size_t nbuckets = 1024;
static size_t nentries;

static unsigned long hash(const char *s)
{
    unsigned long h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static void grow(void)
{
    size_t old = nbuckets;
    nbuckets *= 2;
    table = realloc(table, nbuckets * sizeof *table);
    for (size_t i = 0; i < old; i++) {
        struct entry *e = table[i], *next;
        table[i] = NULL;
        for (; e; e = next) {
            next = e->next;
            size_t j = hash(e->word) % nbuckets;
            e->next = table[j];
            table[j] = e;
        }
    }
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
    struct entry *e = malloc(sizeof *e);
    e->word = malloc(strlen(w));
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

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: wordfreq FILE [N]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 10;
    FILE *f = fopen(argv[1], "r");
    table = calloc(nbuckets, sizeof *table);

    char word[MAX_WORD];
    int len = 0, c;
    while ((c = fgetc(f)) != EOF) {
        if (isalnum(c)) {
            word[len++] = tolower(c);
        } else if (len > 0) {
            word[len] = '\0';
            add_word(word);
            len = 0;
        }
    }
    fclose(f);

    struct entry **all = malloc(nentries * sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < nbuckets; i++)
        for (struct entry *e = table[i]; e; e = e->next)
            all[k++] = e;
    qsort(all, nentries, sizeof *all, by_count);
    for (int i = 0; i < n; i++)
        printf("%ld %s\n", all[i]->count, all[i]->word);
    return 0;
}
