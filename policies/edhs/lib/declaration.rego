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

# A value as text for a message: lists and sets are joined with commas, and null (a
# field stated as null) is "not stated", as a missing field is. One branch per type, tried
# in turn (else): the first that fits answers, the others are not evaluated. The items of
# a list are written by sprintf inline (it writes a text as it is): a function call per
# item costs OPA more than the rest of the message.
text(value) := value if is_string(value)
else := "not stated" if is_null(value)
else := sprintf("%v", [value]) if is_number(value)
else := sprintf("%v", [value]) if is_boolean(value)
else := items_text([sprintf("%v", [item]) | some item in value]) if is_array(value)
else := items_text(sort([sprintf("%v", [item]) | some item in value])) if is_set(value)
else := "a section"

items_text(items) := concat(", ", items) if count(items) > 0
else := "none"

# The longest leading part of path that the declaration has, stating a value there (the
# root at worst): path itself when the declaration has the field, as it mostly does (a
# finding is more often about a wrong value than a missing one). Else the parts a
# declaration has form an unbroken run from the root, so their count is the longest; not
# max(), which the embedded engine orders as text (max of 10 and 9 is 9).
nearest_existing(path) := path if object.get(input, path, null) != null
else := array.slice(path, 0, length) if {
	length := count({n |
		some n in numbers.range(1, count(path))
		object.get(input, array.slice(path, 0, n), null) != null
	})
}

# The JSON pointer (RFC 6901) of path: "/" before each key ("" for the root). Keys are
# written as they are, since they hold no "~" or "/" (the schema's names and list indexes);
# else RFC 6901 escapes them. No function call or replace() per key: in OPA each costs
# more than the rest of a finding's pointer.
pointer(path) := concat("/", array.concat([""], keys)) if {
	keys := [sprintf("%v", [key]) | some key in path]
	joined := concat("", keys)
	not contains(joined, "~")
	not contains(joined, "/")
} else := concat("/", array.concat([""], [escaped_key(key) | some key in path]))

escaped_key(key) := replace(replace(sprintf("%v", [key]), "~", "~0"), "/", "~1")

# The text as a reader sees it, without its surrounding spaces (see unseen). A short text
# of printable ASCII characters has none to replace, and most texts are such: they skip
# building the table (a pattern on a long text could overflow the embedded engine's stack).
visible(text) := trim_space(text) if {
	count(text) <= max_address_length
	regex.match(`^[ -~]*$`, text)
} else := trim_space(strings.replace_n(unseen, text))

# Addresses a reader can use: written in visible characters only ("\u200b@\u200b.\u200b"
# is no address), and within the schema's bound on a contact (a longer text is no address,
# and the embedded engine's regex matcher overflows its native stack on texts of tens of
# kilobytes).
max_address_length := 320

email_address(text) if {
	is_string(text)
	count(text) <= max_address_length
	text == visible(text)
	regex.match(`^[^@\s]+@[^@\s]+\.[^@\s]+$`, text)
}

web_address(text) if {
	is_string(text)
	count(text) <= max_address_length
	text == visible(text)
	regex.match(`^https?://[^/\s]+\.[^\s]+$`, text)
}


# --- What the assessor states (the "assessment" parameter) ----------------------------
# pyrules fills it from --as-of and the EMB's profile. On a plain OPA server it keeps the
# defaults of params/data.json, and every rule below falls back to the safe side: today for
# the reference date, the declaration's own elections, and "the standard" as the source of
# every limit. The platform's submitted_on is never the clock.

assessment(key, fallback) := object.get(object.get(data.edhs.params, "assessment", {}), key, fallback)

# The day age limits count back from: the assessor's reference date, else today (UTC).
reference_date := stated if {
	stated := assessment("reference_date", "")
	is_date(stated)
}

reference_date := today if not is_date(assessment("reference_date", ""))

today := sprintf("%04d-%02d-%02d", time.date(time.now_ns()))

# True when value is a "YYYY-MM-DD" text that names a day of the calendar: "2026-02-30",
# "2026-13-01" and "0000-01-01" are no dates (the length is checked before the patterns).
is_date(value) if {
	is_string(value)
	count(value) == 10
	value >= "0001"
	calendar_day(value)
}

# Every month has days 1 to 28, so most dates need only the first, short pattern; a 29th,
# 30th or 31st the month decides, and 29 February the year.
calendar_day(date) := true if {
	regex.match(`^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])$`, date)
} else := true if {
	regex.match(`^[0-9]{4}-(?:(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)$`, date)
} else := true if {
	regex.match(`^[0-9]{4}-02-29$`, date)
	leap_year(date_part(date, 0))
}

# True when value is an amount of hours, days or months that a platform can keep to: a
# number, and not below zero ("-1 hours" is within any deadline, and means nothing).
non_negative_number(value) if {
	is_number(value)
	value >= 0
}

# The name of the profile the assessor applies, for messages ("" without one).
authority := assessment("authority", "") if names_authority

authority := "the profile" if not names_authority

names_authority if {
	name := assessment("authority", "")
	is_string(name)
	name != ""
}

# The EMB's elections, stated in its profile: [] without one.
emb_elections := [election | some election in listed(assessment("elections", [])); is_object(election)]

emb_states_elections if count(emb_elections) > 0

# The elections in force: the EMB's when its profile states them, else the declaration's.
# Every control that depends on election facts (languages, voting ages, jurisdictions)
# reads these, so a platform cannot steer a verdict by leaving a fact out.
elections := emb_elections if emb_states_elections

elections := declared_elections if not emb_states_elections

declared_elections := [election |
	some election in input.metadata.elections
	is_array(input.metadata.elections)
	is_object(election)
]

# Where the elections in force come from, for messages.
elections_source := concat("", ["the elections of the profile ", authority]) if emb_states_elections

elections_source := "the covered elections" if not emb_states_elections

# Every language of every election in force: each the EMB's profile states, or, without
# one, each code of the schema's list (vocabularies.rego) the declaration states, so that
# an election the platform declares "in" a made-up language asks for no real one.
election_languages contains language if {
	emb_states_elections
	some election in emb_elections
	some language in listed(object.get(election, "languages", []))
	is_string(language)
}

election_languages contains language if {
	not emb_states_elections
	some election in declared_elections
	some language in listed(object.get(election, "languages", []))
	vocabulary_item(language_codes, language)
}

# True when a declared list lacks none of the languages of the elections in force, and
# there are some: elections that state no language leave coverage unshown.
covers_election_languages(missing) if {
	count(election_languages) > 0
	count(missing) == 0
}

# The languages a list lacks, for a message, or why coverage cannot be shown.
language_gap(missing) := text(missing) if count(election_languages) > 0

language_gap(_) := "unknown: the elections state no language" if count(election_languages) == 0

# The voting ages the elections in force state (numbers only).
voting_ages contains age if {
	some election in elections
	age := election.voting_age
	is_number(age)
}

# The jurisdictions in force: those of the EMB's elections, else the declaration's.
jurisdictions contains code if {
	some election in emb_elections
	code := election.jurisdiction
}

jurisdictions contains code if {
	not emb_states_elections
	some code in declared_jurisdictions
}

# The country codes the declaration lists (a made-up code is no jurisdiction).
declared_jurisdictions := {code |
	some code in listed(input.metadata.jurisdictions)
	vocabulary_item(country_codes, code)
}

jurisdictions_source := concat("", ["the jurisdictions of the profile ", authority]) if emb_states_elections

jurisdictions_source := "the covered jurisdictions" if not emb_states_elections

# The standard's value of a parameter the profile overrides (pyrules passes them).
# Read once per evaluation, not once per message about a limit.
standard_value(name) := object.get(standard_values, name, null)

standard_values := assessment("standard_values", {})

overridden(name) if standard_value(name) != null

# A message about a limit set by parameter name: when the profile overrides it, the message
# names the profile as the source and gives the standard's value too, e.g. "Ruritania 2026
# requires at least 5000 ...; the standard's value is 1000". Templates say "the standard".
limit_message(name, template, values) := concat("", [
	message(replace(template, "the standard ", concat("", [authority, " "])), values),
	"; the standard's value is ",
	text(standard_value(name)),
]) if overridden(name)
else := message(template, values)

# Applicability flags: a control for VLOPs, or for platforms that accept political ads,
# applies unless the declaration states false; a missing or mistyped flag ("yes") cannot
# take a control out of the assessment.
# A platform counts as very large unless it states is_vlop false AND a number of monthly
# active recipients in the EU below the threshold (DSA Art 33(1)): a bare "not a VLOP"
# claim, which nothing backs, does not exempt it from the controls for very large
# platforms (GOV-09 reports the claim). A platform the EMB's profile lists among the
# services the Commission designated (DSA Art 33(4)) is very large whatever it states.
vlop if not below_vlop_threshold

# The platform's own statements first: most platforms state is_vlop true, and then the
# EMB's list need not be read.
below_vlop_threshold if {
	input.platform.is_vlop == false
	users := input.platform.monthly_active_users_eu
	is_number(users)
	users >= 0
	users < data.edhs.params.vlop_threshold_recipients
	not designated
	not unnamed_before_the_list
}

# The services of the EMB's profile that name this platform: by the name the Commission's
# decision gives it, or by its provider, ignoring case and surrounding spaces.
designations contains service if {
	some service in listed(assessment("designated_services", []))
	names_this_platform(service)
}

designated if count(designations) > 0

# When the EMB lists designated services, a platform that gives neither a name nor a
# provider a reader can see cannot be checked against the list: it could be any of them.
unnamed_before_the_list if {
	count(listed(assessment("designated_services", []))) > 0
	not names_itself(object.get(input, ["platform", "name"], null))
	not names_itself(object.get(input, ["platform", "legal_entity"], null))
}

names_itself(name) if {
	is_string(name)
	seen_as(name) != ""
}

names_this_platform(service) if same_name(service.name, input.platform.name)

names_this_platform(service) if same_name(service.legal_entity, input.platform.legal_entity)

same_name(listed_name, stated_name) if {
	is_string(listed_name)
	is_string(stated_name)
	seen_as(listed_name) == seen_as(stated_name)
}

# A name as a reader sees it, so that how a platform writes its name cannot take it off the
# EMB's list: letter case, repeated or surrounding spaces, Unicode spaces, characters that
# show nothing, and Cyrillic or Greek letters drawn like Latin ones ("Аurora" with a
# Cyrillic А) do not tell two names apart. The tables are spelled out so both engines agree
# (rego-cpp's lower() changes ASCII letters only).
seen_as(name) := concat(" ", [word |
	some word in split(strings.replace_n(reader_letters, strings.replace_n(unseen, name)), " ")
	word != ""
])

reader_letters := {
	# ASCII capitals
	"A": "a", "B": "b", "C": "c", "D": "d", "E": "e", "F": "f", "G": "g", "H": "h", "I": "i",
	"J": "j", "K": "k", "L": "l", "M": "m", "N": "n", "O": "o", "P": "p", "Q": "q", "R": "r",
	"S": "s", "T": "t", "U": "u", "V": "v", "W": "w", "X": "x", "Y": "y", "Z": "z",
	# Cyrillic and Greek letters drawn like Latin ones
	"А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
	"С": "c", "Т": "t", "У": "y", "Х": "x", "Ѕ": "s", "І": "i", "Ј": "j", "Ԛ": "q",
	"Ԝ": "w",
	"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s",
	"і": "i", "ј": "j", "ԁ": "d", "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w",
	"Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m",
	"Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
	"α": "a", "ο": "o", "ν": "v", "ρ": "p", "υ": "u", "ι": "i", "κ": "k", "χ": "x",
}

# Spaces other than the plain one become plain spaces; characters that show nothing go.
# (OPA's trim_space knows Unicode spaces, rego-cpp's only ASCII ones, and neither drops
# characters that show nothing.) Each is written by its UTF-8 bytes: rego-cpp does not
# read escapes in Rego strings.
unseen := {
	hex.decode("09"): " ", # U+0009 character tabulation
	hex.decode("0a"): " ", # U+000A line feed
	hex.decode("0d"): " ", # U+000D carriage return
	hex.decode("c2a0"): " ", # U+00A0 no-break space
	hex.decode("e19a80"): " ", # U+1680 ogham space mark
	hex.decode("e28080"): " ", # U+2000 en quad
	hex.decode("e28081"): " ", # U+2001 em quad
	hex.decode("e28082"): " ", # U+2002 en space
	hex.decode("e28083"): " ", # U+2003 em space
	hex.decode("e28084"): " ", # U+2004 three-per-em space
	hex.decode("e28085"): " ", # U+2005 four-per-em space
	hex.decode("e28086"): " ", # U+2006 six-per-em space
	hex.decode("e28087"): " ", # U+2007 figure space
	hex.decode("e28088"): " ", # U+2008 punctuation space
	hex.decode("e28089"): " ", # U+2009 thin space
	hex.decode("e2808a"): " ", # U+200A hair space
	hex.decode("e280af"): " ", # U+202F narrow no-break space
	hex.decode("e2819f"): " ", # U+205F medium mathematical space
	hex.decode("e38080"): " ", # U+3000 ideographic space
	hex.decode("c2ad"): "", # U+00AD soft hyphen
	hex.decode("e2808b"): "", # U+200B zero width space
	hex.decode("e2808c"): "", # U+200C zero width non-joiner
	hex.decode("e2808d"): "", # U+200D zero width joiner
	hex.decode("e281a0"): "", # U+2060 word joiner
	hex.decode("efbbbf"): "", # U+FEFF zero width no-break space
}

sells_political_ads if not input.political_ads.accepted == false

# The required items a declared list lacks: all of them when the list is not stated (or
# is not a list). Controls call it as missing(required, object.get(input, field, [])) and
# hold that the list covers the required items when count(missing) == 0.
missing(required, declared) := {item | some item in required} - listed(declared)

listed(value) := {item | some item in value} if is_array(value)
else := set()

# Dates are "YYYY-MM-DD" texts. A date is older than n months when it lies before the
# same day n months earlier than the reference date. When that month is shorter than the
# reference day, its last day stands in: 2023-02-28 is 12 months before 2024-02-29, and
# 2026-02-28 one month before 2026-03-31.
# The reference's day of the month in the month of date, or that month's last day when
# the month is shorter.
same_day_in_month_of(date, reference) := day if {
	day := day_of_month(reference)
	day <= days_in_month(date)
}

same_day_in_month_of(date, reference) := days_in_month(date) if day_of_month(reference) > days_in_month(date)

# True when date lies on or before reference, and no more than n months before it: in a
# month fewer than n months before the reference's, or in the month n months before it and
# not before the same day; false or undefined when either date is not stated (or not a
# date), so a missing date never passes. A date after the reference (a review dated after
# the reference date) never passes either. Texts of the form YYYY-MM-DD sort as their
# dates do. The first rule that holds answers: most dates need no day arithmetic.
within_months(date, reference, n) if {
	is_date(date)
	is_date(reference)
	date <= reference
	month_number(reference) - month_number(date) < n
}

within_months(date, reference, n) if {
	is_date(date)
	is_date(reference)
	date <= reference
	month_number(reference) - month_number(date) == n
	not day_of_month(date) < same_day_in_month_of(date, reference)
}

# The months since year 0 at date: one split for both parts, as date_part reads them.
month_number(date) := (year * 12) + month if {
	parts := split(date, "-")
	year := to_number(trim_left(parts[0], "0"))
	month := to_number(trim_left(parts[1], "0"))
}

# The number of days in the month of date.
days_in_month(date) := 29 if {
	month_of_year(date) == 2
	leap_year(year_of(date))
}

days_in_month(date) := 28 if {
	month_of_year(date) == 2
	not leap_year(year_of(date))
}

days_in_month(date) := 30 if month_of_year(date) in {4, 6, 9, 11}

days_in_month(date) := 31 if month_of_year(date) in {1, 3, 5, 7, 8, 10, 12}

year_of(date) := date_part(date, 0)

month_of_year(date) := date_part(date, 1)

day_of_month(date) := date_part(date, 2)

# One part of a date as a number. Leading zeros are dropped first: the embedded engine
# reads "02" as a number that does not equal 2.
date_part(date, i) := to_number(trim_left(split(date, "-")[i], "0"))

# Gregorian leap years: every fourth year, except centuries not divisible by 400.
leap_year(year) if {
	year % 4 == 0
	year % 100 != 0
}

leap_year(year) if year % 400 == 0

# The categories of a list that are, lie below, or lie above one of the special categories
# of data in the fideslang taxonomy: user.demographic.political_opinion.party lies below
# user.demographic.political_opinion, user.demographic above it. A broader key is treated
# as special too, to fail safe: user.demographic, or user, may hold political opinions, so
# declaring it says nothing that rules them out. Keys are compared with a dot after them,
# so that user.demographics does not count as lying below user.demographic. One call per
# list, the test inline: a function call per category costs OPA more than the test. An
# item that is not a text is no key of the taxonomy (see unknown_categories).
special_categories(categories) := {category |
	# Is a special category or lies below one: "user.biometric.face." starts "user.biometric.".
	some category in categories
	is_string(category)
	strings.any_prefix_match(concat("", [category, "."]), special_category_prefixes)
} | {category |
	# Lies above one: "user.biometric." starts "user.".
	some category in categories
	is_string(category)
	strings.any_prefix_match(special_category_prefixes, concat("", [category, "."]))
}

special_category_prefixes := {concat("", [special, "."]) | some special in data.edhs.params.special_categories}

# The categories of a list that the fideslang taxonomy does not hold (vocabularies.rego): a
# made-up or misspelt key ("user.political_opinions") cannot be shown to stay clear of the
# special categories, so the controls that rule them out do not count it as clear.
unknown_categories(categories) := {category |
	some category in listed(categories)
	not vocabulary_item(data_categories, category)
}

# True when value is an item of a list of vocabularies.rego, e.g.
#   vocabulary_item(country_codes, "HU"). The characters test keeps the search to whole
# items: no item holds a bar or a space. No item is longer than max_vocabulary_item_length
# either, and a longer text is not matched at all (a pattern on a text of megabytes
# overflows the embedded engine's native stack).
vocabulary_item(vocabulary, value) if {
	is_string(value)
	count(value) <= max_vocabulary_item_length
	regex.match(`^[A-Za-z0-9_.]+$`, value)
	contains(vocabulary, concat("", ["|", value, "|"]))
}

max_vocabulary_item_length := 100
