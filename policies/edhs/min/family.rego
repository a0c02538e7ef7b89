# METADATA
# scope: subpackages
# title: Minimisation and retention
# description: |
#   Which personal data the platform may use for political ads and election work, and
#   how long it may keep it.
# custom:
#   family: MIN
package edhs.min
