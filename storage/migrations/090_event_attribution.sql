-- Convergence attribution (issue 14, DESIGN §4): when events overlap, an adoption answers
-- the open event it refers to (its text names one of the event's keywords), else the
-- earliest event still open (an event is open for 72 h after it): a later event never takes
-- an adopter that does not name it. A post before an event that names it is pre-positioning
-- that matters for it. The rules are documented in storage/convergence_attribution.py (which
-- also holds the set-based SQL that applies them); here are the keywords and the functions
-- that match them.

-- Optional keywords and aliases of an event, as written (per language: en, ar, fa, or what
-- the writer named) and as a match form: the text folded by the project's Arabic/Persian
-- normalisation (classifiers.normalise.normalise, applied by storage/event_keywords.py),
-- then convergence_keyword_form below.
CREATE TABLE event_keywords (
    event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    lang     text NOT NULL,
    keyword  text NOT NULL,
    form     text NOT NULL,
    PRIMARY KEY (event_id, lang, keyword)
);

-- Tokens as in post_features (convergence_tokens: no URLs or punctuation, so no regular
-- expression metacharacter survives) joined by spaces, with a leading Arabic article
-- dropped: the pattern below allows it back with the attached prepositions (للمنطقة).
CREATE FUNCTION convergence_keyword_form(normalised text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(array_to_string(convergence_tokens(normalised), ' '),
                          '^ال([^ ]{3})', '\1')
$$;

-- The regular expression an event's keywords make (NULL without keywords). It is matched
-- against ' ' || a post's tokens joined by spaces: a keyword matches at the start of a
-- word, after an optional attached conjunction (و ف), preposition (ب ل ك) or article, and
-- its last word may go on (plurals, suffixes: "drone" matches "drones").
CREATE FUNCTION convergence_event_pattern(p_event_id bigint) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ' [وف]?(?:ال|بال|كال|لل|[بلك])?(?:'
           || string_agg(DISTINCT form, '|' ORDER BY form) || ')'
    FROM event_keywords
    WHERE event_id = p_event_id AND form <> ''
$$;

-- Whether a post's text names an event (by its pattern).
CREATE FUNCTION convergence_names(p_post_id bigint, p_pattern text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT p_pattern IS NOT NULL AND EXISTS (
        SELECT 1 FROM post_features f
        WHERE f.post_id = p_post_id AND ' ' || array_to_string(f.tokens, ' ') ~ p_pattern)
$$;
