#ifndef NEWSLETTER_CLIBXML2_SHIM_H
#define NEWSLETTER_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

/// `xmlFree` is a global function pointer, which Swift cannot call directly.
static inline void newsletter_xmlFree(void *p) { xmlFree(p); }

/// Silences libxml2's default error printing to stderr (errors are still available per document).
static void newsletter_xml_silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void newsletter_xml_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, newsletter_xml_silent);
}

/// The `i`-th node of an XPath result's node set (NULL past the end or for a non-node-set result).
static inline xmlNodePtr newsletter_xpath_node(xmlXPathObjectPtr object, int i) {
    if (object == NULL || object->type != XPATH_NODESET || object->nodesetval == NULL) return NULL;
    if (i < 0 || i >= object->nodesetval->nodeNr) return NULL;
    return object->nodesetval->nodeTab[i];
}

/// How many nodes an XPath result holds (-1 when it is not a node set).
static inline int newsletter_xpath_count(xmlXPathObjectPtr object) {
    if (object == NULL || object->type != XPATH_NODESET) return -1;
    return object->nodesetval == NULL ? 0 : object->nodesetval->nodeNr;
}

#endif
