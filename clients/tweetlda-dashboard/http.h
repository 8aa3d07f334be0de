/*
 * http.h
 *		The HTTP request handler of tweetlda-dashboard (http.c).
 */
#ifndef TWEETLDA_DASHBOARD_HTTP_H
#define TWEETLDA_DASHBOARD_HTTP_H

#include "dashboard.h"

bool		http_load_files(void);
void		http_set_listen(bool loopback, const char *port);
enum MHD_Result http_handle(void *cls, struct MHD_Connection *conn, const char *url,
							const char *method, const char *version, const char *upload_data,
							size_t *upload_size, void **state);

#endif
