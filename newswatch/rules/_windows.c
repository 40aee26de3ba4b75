/* The two loops of snippets.py that run for every match, in C: `densest`
 * (which hits one window of SPAN_WORDS words shows best) and `window` (the
 * marked text of one window, for a field whose characters each fold to one).
 *
 * snippets.py is the definition: its pure-Python _densest and _window give the
 * same results, are used where this module was not built, and
 * tests/test_snippets_native.py holds the two to each other on generated text.
 * Nothing here is needed for correctness, only for speed (issue 16: ~10 matches
 * per document left ~25 us of Python per match for its snippet).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static Py_ssize_t SPAN_WORDS, SNIPPET_WORDS, BEFORE, MAX_BEFORE, MAX_HIT, MAX_AFTER;
static PyObject *OPEN, *CLOSE, *ELLIPSIS_BEFORE, *ELLIPSIS_AFTER, *SPACE, *EMPTY;

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

/* text[a:b] */
static PyObject *slice(PyObject *s, Py_ssize_t a, Py_ssize_t b) {
    Py_ssize_t len = PyUnicode_GET_LENGTH(s);
    a = bound(a, len);
    b = bound(b, len);
    return PyUnicode_Substring(s, a, b < a ? a : b);
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

/* densest(words, hits, wanted) -> (conjuncts, hits, first, after): see snippets._densest. */
static PyObject *densest(PyObject *self, PyObject *args) {
    PyObject *words, *hits, *wanted = Py_None;
    if (!PyArg_ParseTuple(args, "UO!|O", &words, &PyList_Type, &hits, &wanted)) return NULL;
    if (wanted == Py_None) wanted = NULL;
    Py_ssize_t n = PyList_GET_SIZE(hits);
    if (n == 0) {
        PyErr_SetString(PyExc_IndexError, "no hits");
        return NULL;
    }
    Text w;
    text_of(words, &w);
    Py_ssize_t first_start, first_end, last_start, last_end;
    PyObject *group;
    if (read_hit(hits, 0, &first_start, &first_end, &group) < 0) return NULL;
    if (read_hit(hits, n - 1, &last_start, &last_end, &group) < 0) return NULL;
    PyObject *counts = PyDict_New();  /* conjunct -> hits of it in the window */
    if (!counts) return NULL;
    PyObject *result = NULL;
    Py_ssize_t total = 0;
    if (spaces(&w, first_start, last_end) <= SPAN_WORDS) {  /* usually: they all fit */
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_ssize_t a, b;
            if (read_hit(hits, i, &a, &b, &group) < 0) goto done;
            if (wanted) {
                int in = PySet_Contains(wanted, group);
                if (in < 0) goto done;
                if (!in) continue;
            }
            if (PyDict_SetItem(counts, group, Py_None) < 0) goto done;
            total++;
        }
        result = Py_BuildValue("nnnn", PyDict_GET_SIZE(counts), total, (Py_ssize_t)0, n);
        goto done;
    }
    Py_ssize_t best_groups = -1, best_total = -1, best_i = 0, best_j = 1, j = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t first, unused;
        if (read_hit(hits, i, &first, &unused, NULL) < 0) goto done;
        while (j < n) {
            Py_ssize_t a, b;
            if (read_hit(hits, j, &a, &b, &group) < 0) goto done;
            if (j != i && spaces(&w, first, b) > SPAN_WORDS) break;
            int in = wanted ? PySet_Contains(wanted, group) : 1;
            if (in < 0) goto done;
            if (in) {
                PyObject *had = PyDict_GetItemWithError(counts, group);
                if (!had && PyErr_Occurred()) goto done;
                PyObject *now = PyLong_FromSsize_t(had ? PyLong_AsSsize_t(had) + 1 : 1);
                if (!now || PyDict_SetItem(counts, group, now) < 0) {
                    Py_XDECREF(now);
                    goto done;
                }
                Py_DECREF(now);
                total++;
            }
            j++;
        }
        Py_ssize_t shown = PyDict_GET_SIZE(counts);
        if (shown > best_groups || (shown == best_groups && total > best_total)) {
            best_groups = shown, best_total = total, best_i = i, best_j = j;
        }
        Py_ssize_t a, b;
        if (read_hit(hits, i, &a, &b, &group) < 0) goto done;
        int in = wanted ? PySet_Contains(wanted, group) : 1;
        if (in < 0) goto done;
        if (in) {
            total--;
            PyObject *had = PyDict_GetItemWithError(counts, group);
            if (!had) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_KeyError, "conjunct left the window twice");
                goto done;
            }
            Py_ssize_t left = PyLong_AsSsize_t(had) - 1;
            if (left == 0) {
                if (PyDict_DelItem(counts, group) < 0) goto done;
            } else {
                PyObject *now = PyLong_FromSsize_t(left);
                if (!now || PyDict_SetItem(counts, group, now) < 0) {
                    Py_XDECREF(now);
                    goto done;
                }
                Py_DECREF(now);
            }
        }
    }
    result = Py_BuildValue("nnnn", best_groups, best_total, best_i, best_j);
done:
    Py_DECREF(counts);
    return result;
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

static int append(PyObject *parts, PyObject *part) {
    if (!part) return -1;
    int r = PyList_Append(parts, part);
    Py_DECREF(part);
    return r;
}

/* window(text, words, lead, trail, ranges, first_start, first_end) -> str: snippets._window for a
 * field whose characters each fold to one (a word-text offset is the text's plus one). */
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
    PyObject *parts = NULL, *body = NULL, *result = NULL;
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
    parts = PyList_New(0);
    if (!parts) goto done;
    for (Py_ssize_t i = 0; i < m; i++) {
        Py_ssize_t hit_start = merged[2 * i], hit_end = merged[2 * i + 1];
        if (hit_start >= stop) break;
        if (hit_end > stop) hit_end = stop;
        if (append(parts, slice(text, pos, hit_start)) < 0 || PyList_Append(parts, OPEN) < 0
            || append(parts, slice(text, hit_start, hit_end)) < 0 || PyList_Append(parts, CLOSE) < 0)
            goto done;
        pos = hit_end;
    }
    if (append(parts, slice(text, pos, stop)) < 0) goto done;
    body = PyUnicode_Join(EMPTY, parts);
    if (!body) goto done;
    Text b;
    text_of(body, &b);
    int odd = b.len && (AT(b, 0) == ' ' || AT(b, b.len - 1) == ' ');  /* odd spaces */
    for (Py_ssize_t i = 0; i < b.len && !odd; i++) {
        Py_UCS4 ch = AT(b, i);
        odd = !Py_UNICODE_ISPRINTABLE(ch) || (ch == ' ' && i + 1 < b.len && AT(b, i + 1) == ' ');
    }
    if (odd) {
        PyObject *split = PyObject_CallMethod(body, "split", NULL);
        if (!split) goto done;
        Py_SETREF(body, PyUnicode_Join(SPACE, split));
        Py_DECREF(split);
        if (!body) goto done;
    }
    if (cut_before) {
        Py_SETREF(body, PyUnicode_Concat(ELLIPSIS_BEFORE, body));
        if (!body) goto done;
    }
    if (cut_after) {
        Py_SETREF(body, PyUnicode_Concat(body, ELLIPSIS_AFTER));
        if (!body) goto done;
    }
    result = body;
    body = NULL;
done:
    PyMem_Free(merged);
    Py_XDECREF(parts);
    Py_XDECREF(body);
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
    if (!ELLIPSIS_BEFORE || !ELLIPSIS_AFTER) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"densest", densest, METH_VARARGS, "snippets._densest, in C."},
    {"window", window, METH_VARARGS, "snippets._window for a field whose characters each fold to one, in C."},
    {"configure", configure, METH_VARARGS, "Set the constants of snippets.py."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_windows", NULL, -1, methods};

PyMODINIT_FUNC PyInit__windows(void) {
    SPACE = PyUnicode_FromString(" ");
    EMPTY = PyUnicode_FromString("");
    if (!SPACE || !EMPTY) return NULL;
    return PyModule_Create(&module);
}
