/* snippets.py's evidence, which runs for every match, in C: `evidence` (the
 * snippet of one match), `densest` (which hits one window of SPAN_WORDS words
 * shows best) and `window` (the marked text of one window, for a field whose
 * characters each fold to one; snippets._window cuts the others).
 *
 * snippets.py is the definition: its pure-Python functions give the same
 * results, are used where this module was not built, and
 * tests/test_snippets_native.py holds the two to each other on generated text.
 * Nothing here is needed for correctness, only for speed (issue 16: ~10 matches
 * per document left ~25 us of Python per match for its snippet).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static Py_ssize_t SPAN_WORDS, SNIPPET_WORDS, BEFORE, MAX_BEFORE, MAX_HIT, MAX_AFTER;
static PyObject *OPEN, *CLOSE, *ELLIPSIS_BEFORE, *ELLIPSIS_AFTER, *ELLIPSIS_BETWEEN;

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t len;
} Text;

static void text_of(PyObject *s, Text *t) {
    t->kind = PyUnicode_KIND(s);
    t->data = PyUnicode_DATA(s);
    t->len = PyUnicode_GET_LENGTH(s);
}

#define AT(t, i) PyUnicode_READ((t).kind, (t).data, (i))

/* Python's slice bounds: negative from the end, then clipped to the text. */
static Py_ssize_t bound(Py_ssize_t i, Py_ssize_t len) {
    if (i < 0) {
        i += len;
        if (i < 0) i = 0;
    }
    return i > len ? len : i;
}

/* words.count(" ", a, b) */
static Py_ssize_t spaces(const Text *w, Py_ssize_t a, Py_ssize_t b) {
    a = bound(a, w->len);
    b = bound(b, w->len);
    Py_ssize_t n = 0;
    if (w->kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *p = (const Py_UCS1 *)w->data;
        for (Py_ssize_t i = a; i < b; i++) n += p[i] == ' ';
    } else {
        for (Py_ssize_t i = a; i < b; i++) n += AT(*w, i) == ' ';
    }
    return n;
}

/* Reads the (start, end, term, conjunct) hits: 0, or -1 with an exception set. */
static int read_hit(PyObject *hits, Py_ssize_t i, Py_ssize_t *start, Py_ssize_t *end, PyObject **group) {
    PyObject *hit = PyList_GET_ITEM(hits, i);
    if (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) < 2) {
        PyErr_SetString(PyExc_TypeError, "a hit is a (start, end, term, conjunct) tuple");
        return -1;
    }
    *start = PyLong_AsSsize_t(PyTuple_GET_ITEM(hit, 0));
    if (*start == -1 && PyErr_Occurred()) return -1;
    *end = PyLong_AsSsize_t(PyTuple_GET_ITEM(hit, 1));
    if (*end == -1 && PyErr_Occurred()) return -1;
    if (group) {
        if (PyTuple_GET_SIZE(hit) < 4) {
            PyErr_SetString(PyExc_TypeError, "a hit is a (start, end, term, conjunct) tuple");
            return -1;
        }
        *group = PyTuple_GET_ITEM(hit, 3);
    }
    return 0;
}

typedef struct {
    Py_ssize_t groups, total, first, after;  /* conjuncts shown, hits, first index, index after the last */
} Win;

/* Whether a[:2] > b[:2]: more conjuncts shown, then more hits. */
static int better(const Win *a, const Win *b) {
    return a->groups > b->groups || (a->groups == b->groups && a->total > b->total);
}

/* snippets._densest of the (start, end, term, conjunct) list `hits` (not empty) into `win`;
 * only the conjuncts in the set `wanted` count, unless it is NULL. Conjuncts are numbers from 0
 * (the parts of a rule's top AND), counted in arrays. 0, or -1 with an exception. */
static int densest_core(PyObject *words, PyObject *hits, PyObject *wanted, Win *win) {
    Py_ssize_t n = PyList_GET_SIZE(hits);
    if (n == 0) {
        PyErr_SetString(PyExc_IndexError, "no hits");
        return -1;
    }
    Py_ssize_t few_counts[64], *counts = few_counts;  /* hits of each conjunct in the window */
    signed char few_wants[64], *want = few_wants;  /* whether each counts; -1: not asked yet */
    Py_ssize_t *start = PyMem_New(Py_ssize_t, 3 * n);
    if (!start) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t *end = start + n, *group = end + n, parts = 0;
    int result = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *part;
        if (read_hit(hits, i, &start[i], &end[i], &part) < 0) goto done;
        group[i] = PyLong_Check(part) ? PyLong_AsSsize_t(part) : -1;
        if (group[i] < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "a hit's conjunct is a number from 0");
            goto done;
        }
        if (group[i] >= parts) parts = group[i] + 1;
    }
    if (parts > 64) {
        counts = PyMem_New(Py_ssize_t, parts);
        want = PyMem_Malloc(parts);
        if (!counts || !want) {
            PyErr_NoMemory();
            goto done;
        }
    }
    memset(counts, 0, parts * sizeof *counts);
    memset(want, wanted ? -1 : 1, parts);
    for (Py_ssize_t i = 0; wanted && i < n; i++) {
        if (want[group[i]] < 0) {
            int in = PySet_Contains(wanted, PyTuple_GET_ITEM(PyList_GET_ITEM(hits, i), 3));
            if (in < 0) goto done;
            want[group[i]] = (signed char)in;
        }
    }
    Text w;
    text_of(words, &w);
    Py_ssize_t shown = 0, total = 0;
    if (spaces(&w, start[0], end[n - 1]) <= SPAN_WORDS) {  /* usually: they all fit */
        for (Py_ssize_t i = 0; i < n; i++) {
            if (!want[group[i]]) continue;
            shown += counts[group[i]]++ == 0;
            total++;
        }
        win->groups = shown, win->total = total, win->first = 0, win->after = n;
        result = 0;
        goto done;
    }
    Win best = {-1, -1, 0, 1};
    for (Py_ssize_t i = 0, j = 0; i < n; i++) {
        for (; j < n && (j == i || spaces(&w, start[i], end[j]) <= SPAN_WORDS); j++) {
            if (!want[group[j]]) continue;
            shown += counts[group[j]]++ == 0;
            total++;
        }
        Win here = {shown, total, i, j};
        if (better(&here, &best)) best = here;
        if (want[group[i]]) {
            total--;
            shown -= --counts[group[i]] == 0;
        }
    }
    *win = best;
    result = 0;
done:
    PyMem_Free(start);
    if (counts != few_counts) PyMem_Free(counts);
    if (want != few_wants) PyMem_Free(want);
    return result;
}

/* densest(words, hits, wanted=None) -> (conjuncts, hits, first, after): snippets._densest. */
static PyObject *densest(PyObject *self, PyObject *args) {
    PyObject *words, *hits, *wanted = Py_None;
    if (!PyArg_ParseTuple(args, "UO!|O", &words, &PyList_Type, &hits, &wanted)) return NULL;
    Win win;
    if (densest_core(words, hits, wanted == Py_None ? NULL : wanted, &win) < 0) return NULL;
    return Py_BuildValue("nnnn", win.groups, win.total, win.first, win.after);
}

/* The start of the word up to `count` words before `offset` in a word text (snippets._back). */
static Py_ssize_t back(const Text *w, Py_ssize_t offset, Py_ssize_t count) {
    Py_ssize_t pos = offset;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t p = pos;
        while (p > 0 && AT(*w, p - 1) == ' ') p--;
        if (p == 0) break;
        while (p > 0 && AT(*w, p - 1) != ' ') p--;
        pos = p;
    }
    return pos;
}

/* Just after `count` more words from `offset`, or -1 if the text has fewer
 * (what snippets._words_ahead(count).match(words, offset) finds). */
static Py_ssize_t ahead(const Text *w, Py_ssize_t offset, Py_ssize_t count) {
    Py_ssize_t p = offset < 0 ? 0 : offset;
    for (Py_ssize_t k = 0; k < count; k++) {
        while (p < w->len && AT(*w, p) == ' ') p++;
        if (p >= w->len) return -1;
        while (p < w->len && AT(*w, p) != ' ') p++;
    }
    return p;
}

/* snippets._glued: punctuation that sticks to a word ("¿Qué", "dijo."). */
static int glued(Py_UCS4 ch) {
    return !(Py_UNICODE_ISSPACE(ch) || Py_UNICODE_ISALNUM(ch) || ch == '_');
}

/* snippets._window of a field whose characters each fold to one (a word-text offset is the text's
 * plus one): `text`, its `words`, and layout()'s lead and trail. */
static PyObject *window_core(PyObject *text, PyObject *words, Py_ssize_t lead, Py_ssize_t trail, PyObject *ranges,
                             Py_ssize_t first_start, Py_ssize_t first_end) {
    Text w, t;
    text_of(words, &w);
    text_of(text, &t);
    Py_ssize_t room = SNIPPET_WORDS - spaces(&w, first_start, first_end) - 1;
    if (room < 6) room = 6;
    Py_ssize_t before = room / 2 < BEFORE ? room / 2 : BEFORE;
    Py_ssize_t start = back(&w, first_start, before);
    int cut_before = lead < start;
    Py_ssize_t end = ahead(&w, first_end, room - before);
    if (end < 0) end = trail > first_end ? trail : first_end;
    int cut_after = trail > end;

    /* the hits inside, overlapping ones merged so markers never nest, as text offsets */
    Py_ssize_t n = PyList_GET_SIZE(ranges), lo = 0, hi = n;
    while (lo < hi) {  /* bisect_left(ranges, (start,)) */
        Py_ssize_t mid = (lo + hi) / 2, a, b;
        if (read_hit(ranges, mid, &a, &b, NULL) < 0) return NULL;
        if (a < start) lo = mid + 1;
        else hi = mid;
    }
    Py_ssize_t *merged = PyMem_New(Py_ssize_t, 2 * (n + 1));
    if (!merged) return PyErr_NoMemory();
    Py_ssize_t m = 0, last = -1;
    PyObject *result = NULL;
    Py_UCS4 *buf = NULL;
    for (Py_ssize_t i = lo ? lo - 1 : 0; i < n; i++) {
        Py_ssize_t a, b;
        if (read_hit(ranges, i, &a, &b, NULL) < 0) goto done;
        if (a >= end) break;
        if (b <= start) continue;
        if (a < start) a = start;
        if (b > end) b = end;
        if (a < last) {
            merged[2 * m - 1] = last > b ? last : b;
        } else {
            merged[2 * m] = a, merged[2 * m + 1] = b;
            m++;
        }
        if (b > last) last = b;
    }
    for (Py_ssize_t i = 0; i < 2 * m; i++) merged[i] -= 1;
    Py_ssize_t edge0 = start - 1, edge1 = end > start ? end - 1 : start - 1;
    Py_ssize_t pos = edge0, stop = edge1, size = t.len;
    /* keep punctuation glued to the edges: ¿Qué ... dijo. (indices as Python reads them) */
    if (pos > 0 && pos - 1 < size && glued(AT(t, pos - 1))) {
        while (pos > 0 && pos - 1 < size && glued(AT(t, pos - 1)) && edge0 - pos < MAX_BEFORE) pos--;
    }
    if (stop >= 0 && stop < size && glued(AT(t, stop))) {
        while (stop < size && glued(AT(t, stop)) && stop - edge1 < MAX_AFTER) stop++;
    }
    if (m) {  /* bounded in characters, however long the words */
        Py_ssize_t first_at = merged[0], first_to = merged[1];
        if (first_at - pos > MAX_BEFORE) pos = first_at - MAX_BEFORE, cut_before = 1;
        Py_ssize_t limit = (first_to < first_at + MAX_HIT ? first_to : first_at + MAX_HIT) + MAX_AFTER;
        if (stop > limit) stop = limit, cut_after = 1;
    }
    /* the body: the text from pos to stop with each hit marked, built in one buffer; pass 0
     * measures, pass 1 writes (after room for the leading ellipsis) */
    Text open_, close_, before_, after_;
    text_of(OPEN, &open_);
    text_of(CLOSE, &close_);
    text_of(ELLIPSIS_BEFORE, &before_);
    text_of(ELLIPSIS_AFTER, &after_);
    Py_ssize_t len = 0, head = before_.len, start_pos = pos;
    for (int pass = 0; pass < 2; pass++) {
        pos = start_pos, len = head;
        for (Py_ssize_t i = 0; i <= m; i++) {
            Py_ssize_t hit_start = i < m ? merged[2 * i] : stop, hit_end = i < m ? merged[2 * i + 1] : stop;
            if (i < m && hit_start >= stop) hit_start = hit_end = stop, i = m;  /* the rest is plain text */
            if (hit_end > stop) hit_end = stop;
            /* text[pos:hit_start], OPEN, text[hit_start:hit_end], CLOSE; the tail has no marks */
            Py_ssize_t a = bound(pos, t.len), b = bound(hit_start, t.len);
            for (Py_ssize_t k = a; k < b; k++, len++) if (pass) buf[len] = AT(t, k);
            if (i == m) break;
            for (Py_ssize_t k = 0; k < open_.len; k++, len++) if (pass) buf[len] = AT(open_, k);
            a = bound(hit_start, t.len), b = bound(hit_end, t.len);
            for (Py_ssize_t k = a; k < b; k++, len++) if (pass) buf[len] = AT(t, k);
            for (Py_ssize_t k = 0; k < close_.len; k++, len++) if (pass) buf[len] = AT(close_, k);
            pos = hit_end;
        }
        if (!pass && !(buf = PyMem_New(Py_UCS4, len + after_.len + 1))) {
            PyErr_NoMemory();
            goto done;
        }
    }
    /* odd spaces (runs, line breaks, other unprintables, at an end): " ".join(body.split()) */
    Py_UCS4 *body_ = buf + head;
    Py_ssize_t size_ = len - head;
    int odd = size_ && (body_[0] == ' ' || body_[size_ - 1] == ' ');
    for (Py_ssize_t i = 0; i < size_ && !odd; i++)
        odd = !(body_[i] < 128 ? body_[i] >= 0x20 && body_[i] < 0x7f : Py_UNICODE_ISPRINTABLE(body_[i])) ||
              (body_[i] == ' ' && i + 1 < size_ && body_[i + 1] == ' ');
    if (odd) {
        Py_ssize_t j = 0;
        int gap = 0;
        for (Py_ssize_t i = 0; i < size_; i++) {
            if (Py_UNICODE_ISSPACE(body_[i])) {
                gap = j > 0;
            } else {
                if (gap) body_[j++] = ' ', gap = 0;
                body_[j++] = body_[i];
            }
        }
        size_ = j;
    }
    Py_UCS4 *from = body_;
    if (cut_before) {
        from -= before_.len;
        size_ += before_.len;
        for (Py_ssize_t k = 0; k < before_.len; k++) from[k] = AT(before_, k);
    }
    if (cut_after) {
        for (Py_ssize_t k = 0; k < after_.len; k++) from[size_ + k] = AT(after_, k);
        size_ += after_.len;
    }
    result = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, from, size_);
done:
    PyMem_Free(merged);
    PyMem_Free(buf);
    return result;
}

/* window(text, words, lead, trail, ranges, first_start, first_end) -> str: snippets._window of a
 * field whose characters each fold to one. */
static PyObject *window(PyObject *self, PyObject *args) {
    PyObject *text, *words, *ranges;
    Py_ssize_t lead, trail, first_start, first_end;
    if (!PyArg_ParseTuple(args, "UUnnO!nn", &text, &words, &lead, &trail, &PyList_Type, &ranges,
                          &first_start, &first_end))
        return NULL;
    if (!OPEN) {
        PyErr_SetString(PyExc_RuntimeError, "_windows.configure() was not called");
        return NULL;
    }
    return window_core(text, words, lead, trail, ranges, first_start, first_end);
}

/* snippets._outer: `hits` sorted in place, then those not inside another, as a new list. */
static PyObject *outer(PyObject *hits) {
    if (PyList_Sort(hits) < 0) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(hits), a, b, reach, last_start;
    PyObject *out = PyList_New(0);
    if (!out || PyList_Append(out, PyList_GET_ITEM(hits, 0)) < 0 || read_hit(hits, 0, &last_start, &reach, NULL) < 0) {
        Py_XDECREF(out);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (read_hit(hits, i, &a, &b, NULL) < 0) {
            Py_DECREF(out);
            return NULL;
        }
        if (b <= reach) continue;
        PyObject *hit = PyList_GET_ITEM(hits, i);
        if (a == last_start) {  /* the longer of two that start together */
            Py_INCREF(hit);
            if (PyList_SetItem(out, PyList_GET_SIZE(out) - 1, hit) < 0) {
                Py_DECREF(out);
                return NULL;
            }
        } else if (PyList_Append(out, hit) < 0) {
            Py_DECREF(out);
            return NULL;
        }
        last_start = a, reach = b;
    }
    return out;
}

typedef struct {
    Py_ssize_t rank, start, end;
    PyObject *name;  /* borrowed from the names */
} Focus;

/* snippets._focus: a window of `hits` as (field's rank, start, end, field). */
static int focus(PyObject *names, PyObject *name, PyObject *hits, const Win *win, Focus *out) {
    Py_ssize_t a, b, end = -1;
    out->rank = PySequence_Index(names, name);
    if (out->rank < 0) return -1;
    for (Py_ssize_t i = win->first; i < win->after; i++) {
        if (read_hit(hits, i, &a, &b, NULL) < 0) return -1;
        if (i == win->first) out->start = a;
        if (b > end) end = b;
    }
    out->end = end, out->name = name;
    return 0;
}

static PyObject *s_text, *s_words, *s_layout;

/* snippets._window: in C where each character of the field folds to one, else `python_window`. */
static PyObject *field_window(PyObject *fields, PyObject *name, PyObject *found, Py_ssize_t start, Py_ssize_t end,
                              PyObject *python_window) {
    PyObject *field = PyObject_GetItem(fields, name), *result = NULL, *text = NULL, *words = NULL;
    if (!field) return NULL;
    PyObject *ranges = PyDict_GetItemWithError(found, name);  /* borrowed */
    PyObject *layout = ranges ? PyObject_CallMethodNoArgs(field, s_layout) : NULL;
    if (!layout) goto done;
    if (!PyTuple_Check(layout) || PyTuple_GET_SIZE(layout) != 4) {
        PyErr_SetString(PyExc_TypeError, "layout() is (reverse, lead, trail, one_to_one)");
        goto done;
    }
    int shift = PyObject_IsTrue(PyTuple_GET_ITEM(layout, 3));
    if (shift < 0) goto done;
    if (!shift) {
        result = PyObject_CallFunction(python_window, "OOnn", field, ranges, start, end);
        goto done;
    }
    Py_ssize_t lead = PyLong_AsSsize_t(PyTuple_GET_ITEM(layout, 1));
    Py_ssize_t trail = PyLong_AsSsize_t(PyTuple_GET_ITEM(layout, 2));
    if (PyErr_Occurred()) goto done;
    text = PyObject_GetAttr(field, s_text);
    words = text ? PyObject_GetAttr(field, s_words) : NULL;
    if (!words) goto done;
    if (!PyUnicode_Check(text) || !PyUnicode_Check(words) || !PyList_Check(ranges)) {
        PyErr_SetString(PyExc_TypeError, "a field's text and words are str, its hits a list");
        goto done;
    }
    result = window_core(text, words, lead, trail, ranges, start, end);
done:
    Py_XDECREF(layout);
    Py_XDECREF(text);
    Py_XDECREF(words);
    Py_DECREF(field);
    return result;
}

/* The word text of fields[name], a new reference (checked to be a str). */
static PyObject *words_of(PyObject *fields, PyObject *name) {
    PyObject *field = PyObject_GetItem(fields, name);
    if (!field) return NULL;
    PyObject *words = PyObject_GetAttr(field, s_words);
    Py_DECREF(field);
    if (words && !PyUnicode_Check(words)) {
        PyErr_SetString(PyExc_TypeError, "a field's words are a str");
        Py_CLEAR(words);
    }
    return words;
}

static int is_title(PyObject *name) {
    return PyUnicode_Check(name) && PyUnicode_CompareWithASCIIString(name, "title") == 0;
}

/* evidence(fields, hits_of, names, groups, python_window) -> str: snippets.evidence. */
static PyObject *evidence(PyObject *self, PyObject *args) {
    PyObject *fields, *hits_of, *names, *python_window;
    Py_ssize_t groups;
    if (!PyArg_ParseTuple(args, "OOO!nO", &fields, &hits_of, &PyTuple_Type, &names, &groups, &python_window))
        return NULL;
    if (!OPEN) {
        PyErr_SetString(PyExc_RuntimeError, "_windows.configure() was not called");
        return NULL;
    }
    PyObject *found = PyDict_New(), *shown = NULL, *missing = NULL, *result = NULL, *head = NULL, *tail = NULL;
    if (!found) return NULL;
    Win best = {0, 0, 0, 0}, second = {0, 0, 0, 0}, win;
    PyObject *where = NULL, *other = NULL;  /* borrowed from names */
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(names); k++) {
        PyObject *name = PyTuple_GET_ITEM(names, k);
        if (where && is_title(name)) break;  /* the title is shown next to the snippet anyway */
        PyObject *hits = PyObject_CallOneArg(hits_of, name);
        if (!hits) goto done;
        if (!PyList_Check(hits)) {
            Py_DECREF(hits);
            PyErr_SetString(PyExc_TypeError, "hits_of() gives a list");
            goto done;
        }
        if (PyList_GET_SIZE(hits) == 0) {
            Py_DECREF(hits);
            continue;
        }
        PyObject *kept = outer(hits);
        Py_DECREF(hits);
        if (!kept) goto done;
        int stored = PyDict_SetItem(found, name, kept);
        PyObject *words = stored < 0 ? NULL : words_of(fields, name);
        int ok = words ? densest_core(words, kept, NULL, &win) : -1;
        Py_DECREF(kept);
        Py_XDECREF(words);
        if (ok < 0) goto done;
        if (!where || better(&win, &best)) {
            best = win, where = name;
            if (win.groups >= groups) break;
        }
    }
    if (!where) {
        result = PyUnicode_FromString("");
        goto done;
    }
    PyObject *hits = PyDict_GetItemWithError(found, where);
    if (!hits) goto done;
    Focus windows[2];
    int count = 1;
    if (focus(names, where, hits, &best, &windows[0]) < 0) goto done;
    if (best.groups < groups) {
        Py_ssize_t a, b;
        PyObject *group, *name, *value;
        if (!(shown = PySet_New(NULL)) || !(missing = PySet_New(NULL))) goto done;
        for (Py_ssize_t i = best.first; i < best.after; i++) {
            if (read_hit(hits, i, &a, &b, &group) < 0 || PySet_Add(shown, group) < 0) goto done;
        }
        Py_ssize_t at = 0;
        while (PyDict_Next(found, &at, &name, &value)) {
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(value); i++) {
                if (read_hit(value, i, &a, &b, &group) < 0) goto done;
                int in = PySet_Contains(shown, group);
                if (in < 0 || (!in && PySet_Add(missing, group) < 0)) goto done;
            }
        }
        at = 0;
        while (PySet_GET_SIZE(missing) && PyDict_Next(found, &at, &name, &value)) {
            if (is_title(name)) continue;
            PyObject *words = words_of(fields, name);
            if (!words) goto done;
            int ok = densest_core(words, value, missing, &win);
            Py_DECREF(words);
            if (ok < 0) goto done;
            if (win.groups > 0 && (!other || better(&win, &second))) {
                second = win;
                /* the borrowed key of `found` is the caller's name: point at the one in names */
                Py_ssize_t rank = PySequence_Index(names, name);
                if (rank < 0) goto done;
                other = PyTuple_GET_ITEM(names, rank);
            }
        }
        if (other) {
            PyObject *theirs = PyDict_GetItemWithError(found, other);
            if (!theirs || focus(names, other, theirs, &second, &windows[1]) < 0) goto done;
            count = 2;
            Focus *x = &windows[0], *y = &windows[1];
            if (y->rank < x->rank || (y->rank == x->rank && (y->start < x->start
                                                              || (y->start == x->start && y->end < x->end)))) {
                Focus swap = *x;
                *x = *y, *y = swap;
            }
        }
    }
    Focus *one = &windows[0], *two = &windows[1];
    if (count == 1) {
        result = field_window(fields, one->name, found, one->start, one->end, python_window);
        goto done;
    }
    if (one->name == two->name) {
        PyObject *words = words_of(fields, one->name);
        if (!words) goto done;
        Text w;
        text_of(words, &w);
        Py_ssize_t gap = spaces(&w, one->end, two->start);
        Py_DECREF(words);
        if (gap <= SNIPPET_WORDS) {  /* near enough to read as one */
            result = field_window(fields, one->name, found, one->start, one->end > two->end ? one->end : two->end,
                                  python_window);
            goto done;
        }
    }
    head = field_window(fields, one->name, found, one->start, one->end, python_window);
    tail = head ? field_window(fields, two->name, found, two->start, two->end, python_window) : NULL;
    if (!tail) goto done;
    Py_ssize_t head_len = PyUnicode_GET_LENGTH(head), tail_len = PyUnicode_GET_LENGTH(tail);
    int cut = PyUnicode_Tailmatch(head, ELLIPSIS_AFTER, 0, head_len, 1);
    if (cut < 0) goto done;
    if (cut) Py_SETREF(head, PyUnicode_Substring(head, 0, head_len - PyUnicode_GET_LENGTH(ELLIPSIS_AFTER)));
    cut = head ? PyUnicode_Tailmatch(tail, ELLIPSIS_BEFORE, 0, tail_len, -1) : -1;
    if (cut < 0) goto done;
    if (cut) Py_SETREF(tail, PyUnicode_Substring(tail, PyUnicode_GET_LENGTH(ELLIPSIS_BEFORE), tail_len));
    if (!tail) goto done;
    PyObject *joined = PyUnicode_Concat(head, ELLIPSIS_BETWEEN);
    if (joined) {
        result = PyUnicode_Concat(joined, tail);
        Py_DECREF(joined);
    }
done:
    Py_DECREF(found);
    Py_XDECREF(shown);
    Py_XDECREF(missing);
    Py_XDECREF(head);
    Py_XDECREF(tail);
    return result;
}

/* configure(span_words, snippet_words, before, max_before, max_hit, max_after, open, close, ellipsis):
 * the constants of snippets.py, given once at import so that the two never disagree. */
static PyObject *configure(PyObject *self, PyObject *args) {
    PyObject *open, *close, *ellipsis;
    if (!PyArg_ParseTuple(args, "nnnnnnUUU", &SPAN_WORDS, &SNIPPET_WORDS, &BEFORE, &MAX_BEFORE, &MAX_HIT,
                          &MAX_AFTER, &open, &close, &ellipsis))
        return NULL;
    Py_XSETREF(OPEN, Py_NewRef(open));
    Py_XSETREF(CLOSE, Py_NewRef(close));
    Py_XSETREF(ELLIPSIS_BEFORE, PyUnicode_FromFormat("%U ", ellipsis));
    Py_XSETREF(ELLIPSIS_AFTER, PyUnicode_FromFormat(" %U", ellipsis));
    Py_XSETREF(ELLIPSIS_BETWEEN, PyUnicode_FromFormat(" %U ", ellipsis));
    if (!ELLIPSIS_BEFORE || !ELLIPSIS_AFTER || !ELLIPSIS_BETWEEN) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"densest", densest, METH_VARARGS, "snippets._densest, in C."},
    {"window", window, METH_VARARGS, "snippets._window for a field whose characters each fold to one, in C."},
    {"evidence", evidence, METH_VARARGS, "snippets.evidence, in C (python_window for fields it cannot cut)."},
    {"configure", configure, METH_VARARGS, "Set the constants of snippets.py."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_windows", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__windows(void) {
    s_text = PyUnicode_InternFromString("text");
    s_words = PyUnicode_InternFromString("words");
    s_layout = PyUnicode_InternFromString("layout");
    if (!s_text || !s_words || !s_layout) return NULL;
    return PyModule_Create(&module);
}
