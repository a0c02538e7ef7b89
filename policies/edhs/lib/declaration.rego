# METADATA
# title: Helpers shared by the EDHS controls
# description: |
#   How a control reads the declaration and reports a finding. Paths are arrays of
#   keys (and list indexes) into the declaration, e.g. ["security", "tls", "minimum_version"].
package edhs.lib

import rego.v1

# A finding about the field at path. It points at the field when the declaration has it,
# else at the nearest parent the declaration has, so every finding names a line of the file.
finding(path, msg) := {"msg": msg, "path": pointer(nearest_existing(path))}

# The value the declaration states at path, or "not stated" when it states none.
declared(path) := object.get(input, path, "not stated")

# A message from a template with {named} placeholders, e.g.
#   message("declared {declared} hours; at most {limit}", {"declared": 96, "limit": 72}).
# Messages are built this way rather than with sprintf, which the embedded engine
# mis-formats for strings returned by functions.
message(template, values) := strings.replace_n(
	{concat("", ["{", key, "}"]): text(value) | some key, value in values},
	template,
)

# A value as text for a message: lists and sets are joined with commas.
text(value) := value if is_string(value)

text(value) := sprintf("%v", [value]) if is_number(value)

text(value) := sprintf("%v", [value]) if is_boolean(value)

text(value) := items_text([scalar_text(item) | some item in value]) if is_array(value)

text(value) := items_text(sort([scalar_text(item) | some item in value])) if is_set(value)

text(value) := "a section" if is_object(value)

items_text(items) := concat(", ", items) if count(items) > 0

items_text(items) := "none" if count(items) == 0

scalar_text(value) := value if is_string(value)

scalar_text(value) := sprintf("%v", [value]) if not is_string(value)

# True when the declaration states a value at path.
has(path) if object.get(input, path, null) != null

# The longest leading part of path that the declaration has (the root at worst).
nearest_existing(path) := array.slice(path, 0, length) if {
	length := max({n | some n in numbers.range(0, count(path)); has(array.slice(path, 0, n))})
}

# The JSON pointer (RFC 6901) of path.
pointer(path) := concat("", [concat("/", ["", token(key)]) | some key in path])

token(key) := replace(replace(key, "~", "~0"), "/", "~1") if is_string(key)

token(key) := sprintf("%d", [key]) if is_number(key)

# True when the field at path is a non-empty text.
non_empty_text(path) if {
	value := object.get(input, path, "")
	is_string(value)
	trim_space(value) != ""
}

# Every language of every covered election.
election_languages contains language if {
	some election in input.metadata.elections
	some language in election.languages
}

# The election languages missing from a declared list of languages.
missing_languages(languages) := missing(election_languages, languages)

# The required items a declared list lacks: all of them when the list is not stated.
missing(required, declared) := {item | some item in required; not item in listed(declared)}

listed(value) := {item | some item in value} if is_array(value)

listed(value) := set() if not is_array(value)

# Dates are "YYYY-MM-DD" texts. A date is older than n months when it lies before the
# same day n months earlier than the reference date.
older_than_months(date, reference, n) if month_number(reference) - month_number(date) > n

older_than_months(date, reference, n) if {
	month_number(reference) - month_number(date) == n
	day_of_month(reference) > day_of_month(date)
}

# True when date lies no more than n months before reference; false or undefined when
# either date is not stated, so a missing date never passes.
within_months(date, reference, n) if {
	is_string(date)
	is_string(reference)
	not older_than_months(date, reference, n)
}

month_number(date) := (to_number(parts[0]) * 12) + to_number(parts[1]) if parts := split(date, "-")

day_of_month(date) := to_number(split(date, "-")[2])

# A data category falls under a rule's category when it is that category or lies below it
# in the fideslang taxonomy, e.g. user.demographic covers user.demographic.political_opinion.
category_within(category, rule) if category == rule

category_within(category, rule) if startswith(category, concat("", [rule, "."]))

# True when category is (or lies below) one of the special categories of data.
special_category(category) if {
	some rule in data.edhs.params.special_categories
	category_within(category, rule)
}
