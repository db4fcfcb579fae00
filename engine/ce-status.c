/* ce-status.c — names of status codes */
#include "engine.h"

const char *
ce_status_to_string (CeStatus status)
{
  switch (status)
    {
    case CE_OK: return "ok";
    case CE_ERR_INVALID_ARG: return "invalid argument";
    case CE_ERR_NOMEM: return "out of memory";
    case CE_ERR_IO: return "input/output error";
    case CE_ERR_FORMAT: return "bad file format";
    case CE_ERR_VERSION: return "unsupported format version";
    case CE_ERR_TRUNCATED: return "file is truncated";
    case CE_ERR_CANCELLED: return "cancelled";
    case CE_ERR_NUMERIC: return "numeric error (NaN or Inf)";
    case CE_ERR_LIMIT: return "limit exceeded";
    case CE_STATUS_COUNT: break;
    }
  return "unknown status";
}
