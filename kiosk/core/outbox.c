#include "outbox.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A patient's name and phone must not linger in freed slots: memset on memory
 * that is never read again may be optimised away, a volatile store may not. */
static void wipe(void *p, size_t n) {
    volatile unsigned char *b = p;
    while (n--) {
        *b++ = 0;
    }
}

static OutboxEntry *find(Outbox *box, uint64_t token, size_t *out_index) {
    for (size_t i = 0; i < box->n_entries; i++) {
        if (box->entries[i].token == token) {
            if (out_index) {
                *out_index = i;
            }
            return &box->entries[i];
        }
    }
    return NULL;
}

void outbox_init(Outbox *box) {
    assert(box != NULL);
    wipe(box, sizeof *box);
    box->next_token = 1;
}

void outbox_deinit(Outbox *box) {
    if (!box) {
        return;
    }
    if (box->entries) {
        wipe(box->entries, box->cap * sizeof box->entries[0]);
        free(box->entries);
    }
    wipe(box, sizeof *box);
}

/* Room for one more. Not realloc: it would leave a copy of every name in
 * the freed block; the old block is wiped before it is freed. */
static bool grow(Outbox *box) {
    if (box->n_entries < box->cap) {
        return true;
    }
    size_t cap = box->cap ? box->cap * 2 : 16;
    OutboxEntry *entries = calloc(cap, sizeof *entries);
    if (!entries) {
        return false;
    }
    if (box->entries) {
        memcpy(entries, box->entries, box->n_entries * sizeof *entries);
        wipe(box->entries, box->cap * sizeof *entries);
        free(box->entries);
    }
    box->entries = entries;
    box->cap = cap;
    return true;
}

uint64_t outbox_add_with_token(Outbox *box, const Request *req, uint64_t token, uint64_t now_ms) {
    assert(box != NULL);
    assert(req != NULL);
    assert(token != 0);
    if (!grow(box)) {
        return 0;
    }
    OutboxEntry *e = &box->entries[box->n_entries++];
    e->request = *req;
    e->next_try_ms = now_ms;
    e->attempts = 0;
    e->token = token;
    if (token >= box->next_token) {
        box->next_token = token + 1;
    }
    return token;
}

uint64_t outbox_add(Outbox *box, const Request *req, uint64_t now_ms) {
    assert(box != NULL);
    if (box->next_token == 0) {
        box->next_token = 1; /* zeroed struct, or (in theory) wrapped around */
    }
    return outbox_add_with_token(box, req, box->next_token, now_ms);
}

OutboxEntry *outbox_next_due(Outbox *box, uint64_t now_ms) {
    assert(box != NULL);
    OutboxEntry *best = NULL;
    /* Entries stay in the order they were added, so on a tie the oldest wins. */
    for (size_t i = 0; i < box->n_entries; i++) {
        OutboxEntry *e = &box->entries[i];
        if (e->next_try_ms <= now_ms && (best == NULL || e->next_try_ms < best->next_try_ms)) {
            best = e;
        }
    }
    return best;
}

void outbox_failed(Outbox *box, uint64_t token, uint64_t now_ms) {
    assert(box != NULL);
    OutboxEntry *e = find(box, token, NULL);
    if (e == NULL) {
        return;
    }
    if (e->attempts < UINT32_MAX) {
        e->attempts++;
    }
    uint64_t delay = OUTBOX_FIRST_RETRY_MS;
    for (uint32_t i = 1; i < e->attempts && delay < OUTBOX_MAX_RETRY_MS; i++) {
        delay *= 2;
    }
    if (delay > OUTBOX_MAX_RETRY_MS) {
        delay = OUTBOX_MAX_RETRY_MS;
    }
    e->next_try_ms = now_ms > UINT64_MAX - delay ? UINT64_MAX : now_ms + delay;
}

void outbox_remove(Outbox *box, uint64_t token) {
    assert(box != NULL);
    size_t i = 0;
    if (find(box, token, &i) == NULL) {
        return;
    }
    size_t after = box->n_entries - i - 1;
    if (after > 0) {
        memmove(&box->entries[i], &box->entries[i + 1], after * sizeof box->entries[0]);
    }
    box->n_entries--;
    wipe(&box->entries[box->n_entries], sizeof box->entries[0]);
}

OutboxEntry *outbox_find(Outbox *box, uint64_t token) {
    assert(box != NULL);
    return find(box, token, NULL);
}

uint64_t outbox_next_deadline(const Outbox *box) {
    assert(box != NULL);
    uint64_t soonest = UINT64_MAX;
    for (size_t i = 0; i < box->n_entries; i++) {
        if (box->entries[i].next_try_ms < soonest) {
            soonest = box->entries[i].next_try_ms;
        }
    }
    return soonest;
}
