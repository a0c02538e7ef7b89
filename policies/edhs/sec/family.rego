# METADATA
# scope: subpackages
# title: Security of processing
# description: |
#   The technical and organisational measures that keep voters' data and election
#   accounts safe: encryption, strong authentication, logging, testing and patching.
# custom:
#   family: SEC
package edhs.sec
