/* Where a field's hits are and what lies between two of them, in C: `by_key`
 * (document.FieldText._word for every key the automaton found, at once),
 * `sentence_end` and `paragraph_end` (scopes.sentence_break_within with
 * unfolded=True, and scopes.paragraph_break_within, on a text that folding
 * leaves scope-neutral), `one_scope` (document._one_scope over them, a whole
 * NEAR/s or NEAR/p test), `fewer_words` (document.skip_words(...) is None),
 * `candidates` (the matcher's candidate rules) and `non_ascii` (the characters
 * document._word_text folds).
 *
 * scopes.py and document.py are the definition: their Python functions give
 * the same answers, are used where this module was not built, and
 * tests/test_hits_native.py holds the two to each other on generated text.
 * Nothing here is needed for correctness, only for speed (issue 16: NEAR/s and
 * NEAR/p must cost no more than NEAR/n, and most of a gap test was Python
 * calls; a dense document asks for the spans of some 37 keys).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* What a character is to a scope, set by configure() from scopes.py's line breaks and closers. */
enum { LINE_BREAK = 1, MARK = 2, CLOSER = 4 };
static unsigned char ROLE[256]; /* for characters below 256 */
#define WIDE 8
static Py_UCS4 WIDE_CHARS[WIDE]; /* the others (U+2028, ’, ”...), with their roles */
static unsigned char WIDE_ROLES[WIDE];
static int WIDE_COUNT, CONFIGURED;
/* the words a period after which is decided alone (scopes._DECIDED), and scopes._abbreviation_in */
static PyObject *DECIDED, *ABBREVIATION;
static Py_ssize_t CONTEXT;

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t len;
} Text;

#define AT(t, i) PyUnicode_READ((t).kind, (t).data, (i))

static int role(Py_UCS4 ch) {
    if (ch < 256) return ROLE[ch];
    for (int i = 0; i < WIDE_COUNT; i++)
        if (WIDE_CHARS[i] == ch) return WIDE_ROLES[i];
    return 0;
}

static int line_break(Py_UCS4 ch) {
    return role(ch) & LINE_BREAK;
}

/* The first offset from i below end whose character has one of the roles, or end. */
static Py_ssize_t next_with(const Text *t, Py_ssize_t i, Py_ssize_t end, int roles) {
    if (t->kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *p = (const Py_UCS1 *)t->data;
        while (i < end && !(ROLE[p[i]] & roles)) i++;
        return i;
    }
    while (i < end && !(role(AT(*t, i)) & roles)) i++;
    return i;
}

/* re's \w on str: alphanumeric or the underscore (the tables of Py_ISALNUM for ASCII: faster) */
static inline int word_char(Py_UCS4 ch) {
    return ch < 128 ? (ch == '_' || Py_ISALNUM(ch)) : Py_UNICODE_ISALNUM(ch);
}

/* str.isalpha of one character */
static inline int alpha(Py_UCS4 ch) {
    return ch < 128 ? Py_ISALPHA(ch) : Py_UNICODE_ISALPHA(ch);
}

/* A regular expression's pos or endpos: clipped to the text. */
static Py_ssize_t bound(Py_ssize_t i, Py_ssize_t len) {
    return i < 0 ? 0 : i > len ? len : i;
}

static int configured(void) {
    if (!CONFIGURED) {
        PyErr_SetString(PyExc_RuntimeError, "_hits.configure() was not called");
        return 0;
    }
    return 1;
}

/* Reads METH_FASTCALL arguments: a str, then n integers: 0, or -1 with an exception set. */
static int text_and_numbers(const char *name, PyObject *const *args, Py_ssize_t nargs, Py_ssize_t n,
                            PyObject **text, Py_ssize_t *numbers) {
    if (nargs != n + 1 || !PyUnicode_Check(args[0])) {
        PyErr_Format(PyExc_TypeError, "%s() takes a str and %zd integers", name, n);
        return -1;
    }
    *text = args[0];
    for (Py_ssize_t i = 0; i < n; i++) {
        numbers[i] = PyLong_AsSsize_t(args[i + 1]);
        if (numbers[i] == -1 && PyErr_Occurred()) return -1;
    }
    return 0;
}

/* scopes._SENTENCE_MARK at i, a character with the MARK role (. ! ? ;): closers, then a space or the end */
static int ends_sentence(const Text *t, Py_ssize_t i) {
    Py_ssize_t j = i + 1;
    while (j < t->len && (role(AT(*t, j)) & CLOSER)) j++;
    return j == t->len || Py_UNICODE_ISSPACE(AT(*t, j));
}

/* scopes.TITLES and scopes.NUMBERED, sorted, each word at most SHORT - 1 ASCII letters */
#define SHORT 8
#define LISTED 256
typedef char Short[SHORT];
static Short TITLES[LISTED], NUMBERED[LISTED];
static size_t TITLE_COUNT, NUMBERED_COUNT;

static int short_order(const void *a, const void *b) {
    return strcmp((const char *)a, (const char *)b);
}

/* scopes._word_decides(fold(word)) for text[start:end] made of ASCII letters: 1 or 0, or -1 when
 * the word is not such or what follows decides (a doubled letter as in "EE.", a word of NUMBERED). */
static int ascii_word_decides(const Text *t, Py_ssize_t start, Py_ssize_t end) {
    Short word;
    if (end - start >= SHORT) return -1;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 ch = AT(*t, i);
        if (ch >= 128 || !Py_ISALPHA(ch)) return -1;
        word[i - start] = (char)Py_TOLOWER(ch);
    }
    word[end - start] = 0;
    if (end - start == 1) return 1; /* an initial */
    if ((end - start == 2 && word[0] == word[1]) || bsearch(word, NUMBERED, NUMBERED_COUNT, SHORT, short_order))
        return -1;
    return bsearch(word, TITLES, TITLE_COUNT, SHORT, short_order) != NULL;
}

/* scopes._after_abbreviation for a tail text[start:end] with dots, of ASCII letters and dots (U.S,
 * EE.UU, a.m): whether it is two to four parts of one or two letters; -1 for another tail. */
static int ascii_dotted(const Text *t, Py_ssize_t start, Py_ssize_t end) {
    int parts = 1, letters = 0, fits = 1;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 ch = AT(*t, i);
        if (ch >= 128) return -1;
        if (ch == '.') {
            fits &= letters > 0;
            parts++;
            letters = 0;
        } else {
            fits &= Py_ISALPHA(ch) && ++letters <= 2;
        }
    }
    return fits && letters > 0 && parts <= 4;
}

/* scopes._abbreviation_in(text, at): 1, 0, or -1 with an exception set. The quick look of
 * _tail_before, tails of ASCII letters (and dots), and words decided before (DECIDED) are read
 * here; the rest is asked of Python. */
static int abbreviation(PyObject *text, const Text *t, Py_ssize_t at) {
    if (at < 1 || !alpha(AT(*t, at - 1))) return 0;
    Py_ssize_t first = at - 1;
    while (first > 0 && at - first < 7 && alpha(AT(*t, first - 1))) first--;
    if (at - first >= 7) return 0; /* a long word */
    /* the run of word characters and dots, at most CONTEXT back */
    Py_ssize_t limit = at - CONTEXT < 0 ? 0 : at - CONTEXT, run = at, dotted = 0;
    while (run > limit) {
        Py_UCS4 ch = AT(*t, run - 1);
        if (ch == '.') dotted = 1;
        else if (!word_char(ch)) break;
        run--;
    }
    if (dotted) {
        int decided = ascii_dotted(t, run, at);
        if (decided >= 0) return decided;
    } else {
        int decided = ascii_word_decides(t, run, at);
        if (decided >= 0) return decided;
        PyObject *word = PyUnicode_Substring(text, run, at);
        if (word == NULL) return -1;
        PyObject *known = PyDict_GetItemWithError(DECIDED, word);
        Py_DECREF(word);
        if (known != NULL) return known == Py_True;
        if (PyErr_Occurred()) return -1;
    }
    PyObject *answer = PyObject_CallFunction(ABBREVIATION, "On", text, at);
    if (answer == NULL) return -1;
    int yes = PyObject_IsTrue(answer);
    Py_DECREF(answer);
    return yes;
}

/* scopes.sentence_break_within(text, start, end, unfolded=True): 1, 0, or -1 with an exception set. */
static int sentence_within(PyObject *text, const Text *t, Py_ssize_t start, Py_ssize_t end) {
    end = end < t->len ? end : t->len;
    for (Py_ssize_t i = next_with(t, bound(start, t->len), end, LINE_BREAK | MARK); i < end;
         i = next_with(t, i + 1, end, LINE_BREAK | MARK)) {
        Py_UCS4 ch = AT(*t, i);
        if (line_break(ch)) return 1;
        if (!ends_sentence(t, i)) continue;
        if (ch != '.') return 1;
        int inert = abbreviation(text, t, i);
        if (inert <= 0) return inert < 0 ? -1 : 1;
    }
    return 0;
}

/* sentence_end(text, start, end): scopes.sentence_break_within(text, start, end, unfolded=True). */
static PyObject *sentence_end(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *text;
    Py_ssize_t at[2];
    if (text_and_numbers("sentence_end", args, nargs, 2, &text, at) < 0 || !configured()) return NULL;
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)};
    int found = sentence_within(text, &t, at[0], at[1]);
    return found < 0 ? NULL : PyBool_FromLong(found);
}

/* scopes.paragraph_break_within(text, start, end): a blank line within text[start:end]: a line
 * break (CR LF is one), spaces, and another line break; or U+2029. */
static int paragraph_within(const Text *t, Py_ssize_t start, Py_ssize_t end) {
    end = bound(end, t->len);
    for (Py_ssize_t i = next_with(t, bound(start, t->len), end, LINE_BREAK); i < end;
         i = next_with(t, i + 1, end, LINE_BREAK)) {
        Py_UCS4 ch = AT(*t, i);
        if (ch == 0x2029) return 1;
        Py_ssize_t j = i + 1;
        if (ch == '\r' && j < end && AT(*t, j) == '\n') j++;
        while (j < end && Py_UNICODE_ISSPACE(AT(*t, j)) && !line_break(AT(*t, j))) j++;
        if (j < end && line_break(AT(*t, j))) return 1;
    }
    return 0;
}

/* paragraph_end(text, start, end): scopes.paragraph_break_within(text, start, end). */
static PyObject *paragraph_end(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *text;
    Py_ssize_t at[2];
    if (text_and_numbers("paragraph_end", args, nargs, 2, &text, at) < 0 || !configured()) return NULL;
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)};
    return PyBool_FromLong(paragraph_within(&t, at[0], at[1]));
}

/* A NEAR side's hit in a word text: [a, b), and which side it is on. */
typedef struct {
    Py_ssize_t a, b;
    int right;
} Hit;

static int hit_order(const void *x, const void *y) {
    const Hit *p = x, *q = y;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    if (p->b != q->b) return p->b < q->b ? -1 : 1;
    return p->right - q->right;
}

static int read_hits(PyObject *hits, int right, Hit *out) {
    Py_ssize_t n = PyList_GET_SIZE(hits);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *hit = PyList_GET_ITEM(hits, i);
        if (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) != 2) {
            PyErr_SetString(PyExc_TypeError, "a hit is a (start, end) tuple");
            return -1;
        }
        out[i].a = PyLong_AsSsize_t(PyTuple_GET_ITEM(hit, 0));
        out[i].b = PyLong_AsSsize_t(PyTuple_GET_ITEM(hit, 1));
        out[i].right = right;
        if ((out[i].a == -1 || out[i].b == -1) && PyErr_Occurred()) return -1;
    }
    return 0;
}

/* one_scope(text, left, right, sentence): document._one_scope for a field read as it is: whether
 * some hit of left and some of right (word-text offsets, one more than the text's) lie in one
 * sentence (paragraph when sentence is false). As there: neighbours in position order, one from
 * each side, that overlap or have no end between them. */
static PyObject *one_scope(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4 || !PyUnicode_Check(args[0]) || !PyList_Check(args[1]) || !PyList_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "one_scope() takes a str, two lists and a bool");
        return NULL;
    }
    PyObject *text = args[0], *left = args[1], *right = args[2];
    int sentence = PyObject_IsTrue(args[3]);
    if (sentence < 0 || !configured()) return NULL;
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)};
    Py_ssize_t nl = PyList_GET_SIZE(left), n = nl + PyList_GET_SIZE(right);
    Hit few[16], *hits = n <= 16 ? few : PyMem_New(Hit, n);
    if (hits == NULL) return PyErr_NoMemory();
    int found = 0;
    if (read_hits(left, 0, hits) < 0 || read_hits(right, 1, hits + nl) < 0) {
        found = -1;
        goto done;
    }
    if (n > 2) qsort(hits, n, sizeof(Hit), hit_order);
    else if (n == 2 && hit_order(hits, hits + 1) > 0) {
        Hit first = hits[1];
        hits[1] = hits[0];
        hits[0] = first;
    }
    for (Py_ssize_t i = 0; i + 1 < n && !found; i++) {
        const Hit *x = hits + i, *y = hits + i + 1;
        if (x->right == y->right) continue;
        if (y->a < x->b) {
            found = 1;
        } else {
            int end = sentence ? sentence_within(text, &t, x->b - 1, y->a - 1) : paragraph_within(&t, x->b - 1, y->a - 1);
            found = end < 0 ? -1 : !end;
        }
    }
done:
    if (hits != few) PyMem_Free(hits);
    if (found < 0) return NULL;
    return PyBool_FromLong(found);
}

/* fewer_words(text, start, end, count): whether text[start:end] holds fewer than count words
 * (document.skip_words(text, count, start, end) is None); a word is a run of \w. */
static PyObject *fewer_words(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *text;
    Py_ssize_t at[3];
    if (text_and_numbers("fewer_words", args, nargs, 3, &text, at) < 0) return NULL;
    Py_ssize_t start = at[0], end = at[1], count = at[2];
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)};
    start = bound(start, t.len);
    end = bound(end, t.len);
    Py_ssize_t words = 0;
    int inside = 0;
    if (t.kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *p = (const Py_UCS1 *)t.data;
        for (Py_ssize_t i = start; i < end && words < count; i++) {
            int w = word_char(p[i]);
            words += w && !inside;
            inside = w;
        }
    } else {
        for (Py_ssize_t i = start; i < end && words < count; i++) {
            int w = word_char(AT(t, i));
            words += w && !inside;
            inside = w;
        }
    }
    return PyBool_FromLong(words < count);
}

/* by_key(keys, words, shapes): document.FieldText._word for every key at once: a dict from each
 * key id among keys ((end, id) pairs, as the automaton gives them, by end) to the (start, end)
 * of each of its occurrences in words, in order. shapes[id] is 2 * (the key's length - 2), plus
 * 1 for a prefix (" pref", whose word ends at the next space; " word " ends where its key does). */
static PyObject *by_key(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyList_Check(args[0]) || !PyUnicode_Check(args[1]) || !PyList_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "by_key() takes a list of (end, id), a str and a list of shapes");
        return NULL;
    }
    PyObject *keys = args[0], *shapes = args[2], *found = PyDict_New();
    Text w = {PyUnicode_KIND(args[1]), PyUnicode_DATA(args[1]), PyUnicode_GET_LENGTH(args[1])};
    if (found == NULL) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(keys); i++) {
        PyObject *key = PyList_GET_ITEM(keys, i);
        if (!PyTuple_Check(key) || PyTuple_GET_SIZE(key) != 2) {
            PyErr_SetString(PyExc_TypeError, "a key hit is an (end, id) tuple");
            goto fail;
        }
        PyObject *id = PyTuple_GET_ITEM(key, 1);
        Py_ssize_t end = PyLong_AsSsize_t(PyTuple_GET_ITEM(key, 0)), at = PyLong_AsSsize_t(id);
        if ((end == -1 || at == -1) && PyErr_Occurred()) goto fail;
        if (at < 0 || at >= PyList_GET_SIZE(shapes)) {
            PyErr_Format(PyExc_IndexError, "key id %zd has no shape", at);
            goto fail;
        }
        Py_ssize_t shape = PyLong_AsSsize_t(PyList_GET_ITEM(shapes, at)), stop = end;
        if (shape == -1 && PyErr_Occurred()) goto fail;
        if (shape & 1) { /* words.find(" ", end) */
            while (stop < w.len && AT(w, stop) != ' ') stop++;
            if (stop >= w.len) stop = -1;
        }
        PyObject *hit = Py_BuildValue("(nn)", end - (shape >> 1), stop);
        if (hit == NULL) goto fail;
        PyObject *hits = PyDict_GetItemWithError(found, id);
        if (hits == NULL) {
            if (PyErr_Occurred() || (hits = PyList_New(0)) == NULL || PyDict_SetItem(found, id, hits) < 0) {
                Py_XDECREF(hits);
                Py_DECREF(hit);
                goto fail;
            }
            Py_DECREF(hits); /* the dict holds it */
        }
        int appended = PyList_Append(hits, hit);
        Py_DECREF(hit);
        if (appended < 0) goto fail;
    }
    return found;
fail:
    Py_DECREF(found);
    return NULL;
}

/* candidates(triggered, hit, necessary, seen): the matcher's candidate rules for an item whose
 * fields hit the key ids in the set hit: each rule of triggered[id] for an id in hit, once, that
 * has every key id of necessary[rule] in hit (without them its predicate cannot hold). seen is a
 * bytearray of one zero per rule, zero again on return. */
static PyObject *candidates(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4 || !PyList_Check(args[0]) || !PyAnySet_Check(args[1]) || !PyList_Check(args[2]) ||
        !PyByteArray_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "candidates() takes a list, a set, a list and a bytearray");
        return NULL;
    }
    PyObject *triggered = args[0], *hit = args[1], *necessary = args[2];
    char *seen = PyByteArray_AS_STRING(args[3]);
    Py_ssize_t rules = PyByteArray_GET_SIZE(args[3]), keys = 0;
    if (PyList_GET_SIZE(necessary) != rules) {
        PyErr_SetString(PyExc_ValueError, "necessary and seen must have one entry per rule");
        return NULL;
    }
    /* the tuples of rules the hit keys trigger, kept to zero seen again at the end */
    PyObject **triggers = PyMem_New(PyObject *, PySet_GET_SIZE(hit) + 1), *out = PyList_New(0), *iter = NULL, *id;
    if (triggers == NULL || out == NULL) {
        PyMem_Free(triggers);
        Py_XDECREF(out);
        return PyErr_NoMemory();
    }
    if ((iter = PyObject_GetIter(hit)) == NULL) goto fail;
    while ((id = PyIter_Next(iter)) != NULL) {
        Py_ssize_t at = PyLong_AsSsize_t(id);
        Py_DECREF(id);
        if (at == -1 && PyErr_Occurred()) goto fail;
        if (at < 0 || at >= PyList_GET_SIZE(triggered)) continue; /* a key no rule is triggered by */
        PyObject *rules_of = PyList_GET_ITEM(triggered, at);
        if (!PyTuple_Check(rules_of)) {
            PyErr_SetString(PyExc_TypeError, "triggered holds tuples of rule numbers");
            goto fail;
        }
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(rules_of); i++) {
            Py_ssize_t r = PyLong_AsSsize_t(PyTuple_GET_ITEM(rules_of, i));
            if (r < 0 || r >= rules) {
                if (!PyErr_Occurred()) PyErr_Format(PyExc_IndexError, "rule %zd is out of range", r);
                goto fail;
            }
        }
        triggers[keys++] = rules_of;
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(rules_of); i++) {
            PyObject *rule = PyTuple_GET_ITEM(rules_of, i);
            Py_ssize_t r = PyLong_AsSsize_t(rule);
            if (seen[r]) continue;
            seen[r] = 1;
            PyObject *needs = PyList_GET_ITEM(necessary, r);
            int all = PyTuple_Check(needs) ? 1 : -1;
            if (all < 0) PyErr_SetString(PyExc_TypeError, "necessary holds tuples of key ids");
            for (Py_ssize_t k = 0; all == 1 && k < PyTuple_GET_SIZE(needs); k++)
                all = PySet_Contains(hit, PyTuple_GET_ITEM(needs, k));
            if (all < 0 || (all && PyList_Append(out, rule) < 0)) goto fail;
        }
    }
    if (PyErr_Occurred()) goto fail;
    goto done;
fail:
    Py_CLEAR(out);
done:
    for (Py_ssize_t k = 0; k < keys; k++)
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(triggers[k]); i++)
            seen[PyLong_AsSsize_t(PyTuple_GET_ITEM(triggers[k], i))] = 0;
    Py_XDECREF(iter);
    PyMem_Free(triggers);
    return out;
}

/* non_ascii(text): set(re.findall(r"[^\x00-\x7f]", text)), the distinct characters of text
 * outside ASCII, which document._word_text folds one by one. */
static PyObject *non_ascii(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "non_ascii() takes a str");
        return NULL;
    }
    PyObject *found = PySet_New(NULL);
    if (found == NULL || PyUnicode_IS_ASCII(text)) return found;
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)};
    char known[256] = {0}; /* those below U+0100 already added */
    for (Py_ssize_t i = 0; i < t.len; i++) {
        Py_UCS4 ch = AT(t, i);
        if (ch < 128 || (ch < 256 && known[ch])) continue;
        if (ch < 256) known[ch] = 1;
        PyObject *one = PyUnicode_FromOrdinal((int)ch);
        if (one == NULL || PySet_Add(found, one) < 0) {
            Py_XDECREF(one);
            Py_DECREF(found);
            return NULL;
        }
        Py_DECREF(one);
    }
    return found;
}

/* Gives each character of chars the role, in ROLE or among the WIDE ones: 0, or -1 with an exception set. */
static int assign(PyObject *chars, int what) {
    for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(chars); i++) {
        Py_UCS4 ch = PyUnicode_READ_CHAR(chars, i);
        if (ch < 256) {
            ROLE[ch] |= what;
            continue;
        }
        int k = 0;
        while (k < WIDE_COUNT && WIDE_CHARS[k] != ch) k++;
        if (k == WIDE) {
            PyErr_SetString(PyExc_ValueError, "too many line breaks and closers above U+00FF");
            return -1;
        }
        WIDE_CHARS[k] = ch;
        WIDE_ROLES[k] |= what;
        WIDE_COUNT = k == WIDE_COUNT ? k + 1 : WIDE_COUNT;
    }
    return 0;
}

/* Copies a tuple of words into a sorted list of Short: their count, or -1 with an exception set. */
static Py_ssize_t read_shorts(PyObject *words, Short *out) {
    Py_ssize_t n = PyTuple_GET_SIZE(words);
    if (n > LISTED) {
        PyErr_SetString(PyExc_ValueError, "too many titles or numbered words");
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t size;
        PyObject *word = PyTuple_GET_ITEM(words, i);
        const char *utf8 = PyUnicode_Check(word) ? PyUnicode_AsUTF8AndSize(word, &size) : NULL;
        if (utf8 == NULL || size >= SHORT || !PyUnicode_IS_ASCII(word)) {
            if (!PyErr_Occurred()) PyErr_Format(PyExc_ValueError, "%R is no word of 1 to %d ASCII letters", word,
                                                SHORT - 1);
            return -1;
        }
        memcpy(out[i], utf8, size + 1);
    }
    qsort(out, n, SHORT, short_order);
    return n;
}

/* configure(line_breaks, marks, closers, context, titles, numbered, decided, abbreviation):
 * scopes.py's line breaks, sentence marks (. ! ? ;) and closers, CONTEXT, TITLES and NUMBERED,
 * its cache of words that decide a period alone, and _abbreviation_in, given once at import so
 * that the two never disagree. */
static PyObject *configure(PyObject *self, PyObject *args) {
    PyObject *line_breaks, *marks, *closers, *titles, *numbered, *decided, *callback;
    if (!PyArg_ParseTuple(args, "UUUnO!O!O!O", &line_breaks, &marks, &closers, &CONTEXT, &PyTuple_Type, &titles,
                          &PyTuple_Type, &numbered, &PyDict_Type, &decided, &callback))
        return NULL;
    CONFIGURED = 0;
    Py_ssize_t title_count = read_shorts(titles, TITLES), numbered_count = read_shorts(numbered, NUMBERED);
    if (title_count < 0 || numbered_count < 0) return NULL;
    TITLE_COUNT = (size_t)title_count;
    NUMBERED_COUNT = (size_t)numbered_count;
    if (!PyCallable_Check(callback)) {
        PyErr_SetString(PyExc_TypeError, "abbreviation must be callable");
        return NULL;
    }
    memset(ROLE, 0, sizeof ROLE);
    memset(WIDE_ROLES, 0, sizeof WIDE_ROLES);
    WIDE_COUNT = 0;
    if (assign(line_breaks, LINE_BREAK) < 0 || assign(marks, MARK) < 0 || assign(closers, CLOSER) < 0) return NULL;
    Py_INCREF(decided);
    Py_INCREF(callback);
    Py_XSETREF(DECIDED, decided);
    Py_XSETREF(ABBREVIATION, callback);
    CONFIGURED = 1;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"sentence_end", (PyCFunction)(void (*)(void))sentence_end, METH_FASTCALL, "scopes.sentence_break_within(..., unfolded=True), in C."},
    {"paragraph_end", (PyCFunction)(void (*)(void))paragraph_end, METH_FASTCALL, "scopes.paragraph_break_within, in C."},
    {"one_scope", (PyCFunction)(void (*)(void))one_scope, METH_FASTCALL, "document._one_scope for a field read as it is, in C."},
    {"fewer_words", (PyCFunction)(void (*)(void))fewer_words, METH_FASTCALL, "document.skip_words(text, count, start, end) is None, in C."},
    {"by_key", (PyCFunction)(void (*)(void))by_key, METH_FASTCALL, "document.FieldText._word for every key, in C."},
    {"candidates", (PyCFunction)(void (*)(void))candidates, METH_FASTCALL, "The matcher's candidate rules, in C."},
    {"non_ascii", non_ascii, METH_O, "The distinct characters of a str outside ASCII, as a set."},
    {"configure", configure, METH_VARARGS, "Set scopes.py's constants, word cache and abbreviation check."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_hits", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__hits(void) { return PyModule_Create(&module); }
