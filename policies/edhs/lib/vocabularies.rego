# METADATA
# title: The vocabularies of the declaration schema
# description: |
#   The country codes, language codes and data categories that the declaration schema
#   accepts, so that a policy evaluated without the schema in front (on a plain OPA server)
#   tells a code of these lists from a made-up word. Generated from the schema by
#   scripts/generate_schema_enums.py; do not edit by hand.
package edhs.lib

import rego.v1

# Each list is one text, its items between bars ("|HU|"), so that lib.vocabulary_item finds
# an item with one search: a set of this size cost the embedded engine its construction at
# every use (a declaration took 61 ms instead of 22).

# ISO 3166-1 alpha-2 country codes, e.g. HU.
country_codes := `
|AD|AE|AF|AG|AI|AL|AM|AO|AQ|AR|AS|AT|AU|AW|AX|AZ|BA|BB|BD|BE|BF|BG|BH|BI|BJ|BL|BM|BN|BO|
|BQ|BR|BS|BT|BV|BW|BY|BZ|CA|CC|CD|CF|CG|CH|CI|CK|CL|CM|CN|CO|CR|CU|CV|CW|CX|CY|CZ|DE|DJ|
|DK|DM|DO|DZ|EC|EE|EG|EH|ER|ES|ET|FI|FJ|FK|FM|FO|FR|GA|GB|GD|GE|GF|GG|GH|GI|GL|GM|GN|GP|
|GQ|GR|GS|GT|GU|GW|GY|HK|HM|HN|HR|HT|HU|ID|IE|IL|IM|IN|IO|IQ|IR|IS|IT|JE|JM|JO|JP|KE|KG|
|KH|KI|KM|KN|KP|KR|KW|KY|KZ|LA|LB|LC|LI|LK|LR|LS|LT|LU|LV|LY|MA|MC|MD|ME|MF|MG|MH|MK|ML|
|MM|MN|MO|MP|MQ|MR|MS|MT|MU|MV|MW|MX|MY|MZ|NA|NC|NE|NF|NG|NI|NL|NO|NP|NR|NU|NZ|OM|PA|PE|
|PF|PG|PH|PK|PL|PM|PN|PR|PS|PT|PW|PY|QA|RE|RO|RS|RU|RW|SA|SB|SC|SD|SE|SG|SH|SI|SJ|SK|SL|
|SM|SN|SO|SR|SS|ST|SV|SX|SY|SZ|TC|TD|TF|TG|TH|TJ|TK|TL|TM|TN|TO|TR|TT|TV|TW|TZ|UA|UG|UM|
|US|UY|UZ|VA|VC|VE|VG|VI|VN|VU|WF|WS|YE|YT|ZA|ZM|ZW|
`

# ISO 639-1 language codes, e.g. hu.
language_codes := `
|aa|ab|ae|af|ak|am|an|ar|as|av|ay|az|ba|be|bg|bi|bm|bn|bo|br|bs|ca|ce|ch|co|cr|cs|cu|cv|
|cy|da|de|dv|dz|ee|el|en|eo|es|et|eu|fa|ff|fi|fj|fo|fr|fy|ga|gd|gl|gn|gu|gv|ha|he|hi|ho|
|hr|ht|hu|hy|hz|ia|id|ie|ig|ii|ik|io|is|it|iu|ja|jv|ka|kg|ki|kj|kk|kl|km|kn|ko|kr|ks|ku|
|kv|kw|ky|la|lb|lg|li|ln|lo|lt|lu|lv|mg|mh|mi|mk|ml|mn|mr|ms|mt|my|na|nb|nd|ne|ng|nl|nn|
|no|nr|nv|ny|oc|oj|om|or|os|pa|pi|pl|ps|pt|qu|rm|rn|ro|ru|rw|sa|sc|sd|se|sg|sh|si|sk|sl|
|sm|sn|so|sq|sr|ss|st|su|sv|sw|ta|te|tg|th|ti|tk|tl|tn|to|tr|ts|tt|tw|ty|ug|uk|ur|uz|ve|
|vi|vo|wa|wo|xh|yi|yo|za|zh|zu|
`

# The data categories of the fideslang default taxonomy.
data_categories := `
|system|system.authentication|system.operations|user|user.account|user.account.settings|
|user.account.username|user.authorization|user.authorization.biometric|
|user.authorization.credentials|user.authorization.password|user.behavior|
|user.behavior.browsing_history|user.behavior.media_consumption|
|user.behavior.purchase_history|user.behavior.search_history|user.biometric|
|user.biometric.fingerprint|user.biometric.health|user.biometric.retinal|
|user.biometric.voice|user.childrens|user.contact|user.contact.address|
|user.contact.address.city|user.contact.address.country|
|user.contact.address.postal_code|user.contact.address.state|
|user.contact.address.street|user.contact.email|user.contact.fax_number|
|user.contact.organization|user.contact.phone_number|user.contact.url|user.content|
|user.content.private|user.content.public|user.content.self_image|user.criminal_history|
|user.demographic|user.demographic.age_range|user.demographic.date_of_birth|
|user.demographic.gender|user.demographic.language|user.demographic.marital_status|
|user.demographic.political_opinion|user.demographic.profile|
|user.demographic.race_ethnicity|user.demographic.religious_belief|
|user.demographic.sexual_orientation|user.device|user.device.cookie|
|user.device.cookie_id|user.device.device_id|user.device.ip_address|user.financial|
|user.financial.bank_account|user.financial.credit_card|user.government_id|
|user.government_id.birth_certificate|user.government_id.drivers_license_number|
|user.government_id.immigration|user.government_id.national_identification_number|
|user.government_id.passport_number|user.government_id.vehicle_registration|
|user.health_and_medical|user.health_and_medical.genetic|
|user.health_and_medical.insurance_beneficiary_id|user.health_and_medical.record_id|
|user.job_title|user.location|user.location.imprecise|user.location.precise|user.name|
|user.name.first|user.name.last|user.payment|user.privacy_preferences|user.sensor|
|user.social|user.telemetry|user.unique_id|user.unique_id.pseudonymous|user.user_sensor|
|user.workplace|
`
