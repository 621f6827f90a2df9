#ifndef NEWSLETTER_CLIBXML2_SHIM_H
#define NEWSLETTER_CLIBXML2_SHIM_H

#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/// `xmlFree` is a global function pointer, which Swift cannot call directly.
static inline void newsletter_xmlFree(void *p) { xmlFree(p); }

/// Silences libxml2's default error printing to stderr (errors are still available per document).
static void newsletter_xml_silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static inline void newsletter_xml_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, newsletter_xml_silent);
}

#endif
