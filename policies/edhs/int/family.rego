# METADATA
# scope: subpackages
# title: Information integrity
# description: |
#   How the platform protects the information voters see around elections: labelling
#   synthetic media, fighting inauthentic behaviour, fact-checking and pointing users to
#   the EMB's official information.
# custom:
#   family: INT
package edhs.int
