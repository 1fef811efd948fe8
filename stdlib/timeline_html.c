/*
** timeline_html.c — `asy --timeline FILE.html`: the page drawn from what vm/timeline.c
** recorded. Self-contained (inline SVG, a little script for zoom and hover, no network);
** under --virtual-time the same program gives the same bytes.
**
** One lane per task, children under the task that created them (indented by depth);
** bars for running and for waiting, a shade per kind of wait; markers for a spawn (with
** an arrow to the child's lane), a cancel request, a cancellation delivered, a failure,
** a timeout; a time axis in the run's clock. Every bar and marker carries its details
** in a <title> (the browser's hover) and data-* attributes the script uses to zoom.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib/asy_stdlib.h"
#include "vm/timeline.h"

enum { NAME_W = 230, PLOT_W = 900, LANE_H = 26, TOP = 34, BAR_H = 14 };

static const char *const kind_class[TL_KIND_COUNT] = {
    "run", "sleep", "lock", "event", "queue", "task", "group", "yield", "other"};
static const char *const kind_color[TL_KIND_COUNT] = {
    "#2e7d32", "#90caf9", "#ffb74d", "#ce93d8", "#80cbc4", "#b0bec5", "#cfd8dc", "#fff59d", "#bdbdbd"};
static const char *const kind_words[TL_KIND_COUNT] = {
    "running", "sleeping", "waiting for a lock/semaphore/condition", "waiting for an event",
    "waiting on a queue", "awaiting another task", "waiting for its group's tasks",
    "yielding one loop iteration", "waiting (other)"};

/* Text escaped for HTML/XML content and attributes. */
static void put_escaped(FILE *f, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    default: fputc(*s, f);
    }
  }
}

static double x_of(double t, double total) { return NAME_W + t / total * PLOT_W; }

/* Lanes in tree order (each task followed by the tasks it created), with their depth. */
static void order_lanes(const AsyTimeline *tl, int lane, int depth, int *order, int *depths,
                        size_t *n) {
  order[*n] = lane;
  depths[lane] = depth;
  (*n)++;
  for (size_t i = 0; i < tl->nlanes; i++)
    if (tl->lanes[i].parent == lane) order_lanes(tl, (int)i, depth + 1, order, depths, n);
}

static const char page_style[] =
    "body{font:13px system-ui,sans-serif;margin:16px;color:#222}"
    "h1{font-size:16px;margin:0 0 6px}"
    ".controls button{margin-right:4px}"
    "svg{display:block;border:1px solid #ccc;background:#fff}"
    ".name{font:12px ui-monospace,monospace;fill:#222}"
    ".lanebg{fill:#fafafa}.lane:nth-of-type(even) .lanebg{fill:#f0f3f6}"
    ".seg{stroke:none}.run{fill:#2e7d32}.sleep{fill:#90caf9}.lock{fill:#ffb74d}"
    ".event{fill:#ce93d8}.queue{fill:#80cbc4}.task{fill:#b0bec5}.group{fill:#cfd8dc}"
    ".yield{fill:#fff59d}.other{fill:#bdbdbd}"
    ".tick{stroke:#ddd}.ticklabel,.axislabel{font-size:11px;fill:#666}"
    ".arrow{stroke:#607d8b;stroke-width:1;fill:none;marker-end:url(#head)}"
    ".m-spawn{fill:#455a64}.m-cancel_request{stroke:#ef6c00;stroke-width:2}"
    ".m-cancelled{fill:none;stroke:#c62828;stroke-width:2}.m-failed{fill:#c62828}"
    ".m-timeout{fill:#6a1b9a}.m-note{fill:#78909c}.m-done{fill:#222}"
    ".legend span{display:inline-block;margin-right:12px}"
    ".legend i{display:inline-block;width:12px;height:10px;margin-right:4px;vertical-align:middle}"
    "#info{color:#555}";

/* Zoom (buttons and the wheel, around the pointer) and hover details, on the data-t*
** attributes the page carries; the name column stays put. */
static const char page_script[] =
    "window.onerror=function(m){document.body.dataset.errors=(document.body.dataset.errors||'')+m;};"
    "(function(){'use strict';"
    "var svg=document.getElementById('timeline'),info=document.getElementById('info');"
    "var d=svg.dataset,total=parseFloat(d.total),x0=+d.x0,w=+d.w,lo=0,hi=total;"
    "function X(t){return x0+(t-lo)/(hi-lo)*w;}"
    "function draw(){"
    "svg.querySelectorAll('[data-t0]').forEach(function(e){"
    "var a=X(parseFloat(e.dataset.t0)),b=X(parseFloat(e.dataset.t1));"
    "var v=Math.max(a,x0),r=Math.min(b,x0+w);"
    "if(r<v){e.setAttribute('width',0);return;}"
    "e.setAttribute('x',v);e.setAttribute('width',Math.max(r-v,1.5));});"
    "svg.querySelectorAll('[data-t]').forEach(function(e){"
    "var x=X(parseFloat(e.dataset.t));"
    "e.setAttribute('transform','translate('+x+','+e.dataset.y+')');"
    "e.style.display=(x<x0-1||x>x0+w+1)?'none':'';});"
    "svg.querySelectorAll('.ticklabel').forEach(function(e,i,all){"
    "var t=lo+(hi-lo)*i/(all.length-1);e.textContent=t.toFixed(3);});"
    "info.textContent='showing '+lo.toFixed(3)+' s to '+hi.toFixed(3)+' s';}"
    "function zoom(f,c){var m=(c===undefined)?(lo+hi)/2:c,h=(hi-lo)*f/2;"
    "if(h*2<total/1e4)return;lo=Math.max(0,m-h);hi=Math.min(total,m+h);"
    "if(hi-lo<h*2){if(lo===0)hi=Math.min(total,h*2);else lo=Math.max(0,hi-h*2);}draw();}"
    "document.getElementById('zin').onclick=function(){zoom(0.5);};"
    "document.getElementById('zout').onclick=function(){zoom(2);};"
    "document.getElementById('zreset').onclick=function(){lo=0;hi=total;draw();};"
    "svg.addEventListener('wheel',function(ev){ev.preventDefault();"
    "var r=svg.getBoundingClientRect(),px=ev.clientX-r.left;"
    "var c=lo+(px-x0)/w*(hi-lo);zoom(ev.deltaY<0?0.8:1.25,c);},{passive:false});"
    "svg.addEventListener('mouseover',function(ev){var t=ev.target.querySelector&&"
    "ev.target.querySelector('title');if(t)info.textContent=t.textContent;});"
    "draw();document.body.dataset.ready='yes';})();";

int asy_timeline_write(VM *vm, const char *path, const char *title) {
  AsyTimeline *tl = asy_timeline_stop(vm);
  if (!tl) return 0;
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "asy: cannot write the timeline to '%s'\n", path);
    asy_timeline_free(tl);
    return 1;
  }
  double total = tl->end > 0 ? tl->end : 1e-3;
  size_t n = tl->nlanes;
  int *order = calloc(n + 1, sizeof(int)), *depths = calloc(n + 1, sizeof(int));
  int *row = calloc(n + 1, sizeof(int));
  size_t count = 0;
  for (size_t i = 0; i < n && order && depths; i++)
    if (tl->lanes[i].parent < 0) order_lanes(tl, (int)i, 0, order, depths, &count);
  for (size_t r = 0; r < count; r++) row[order[r]] = (int)r;
  int height = TOP + (int)count * LANE_H + 10;

  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>asy timeline: ",
        f);
  put_escaped(f, title);
  fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<h1>", page_style);
  put_escaped(f, title);
  fprintf(f, "</h1>\n<div class=\"controls\"><button id=\"zin\">zoom in</button>"
             "<button id=\"zout\">zoom out</button><button id=\"zreset\">all</button> "
             "<span id=\"info\"></span></div>\n");
  fprintf(f,
          "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
          "data-total=\"%.6f\" data-lanes=\"%zu\" data-x0=\"%d\" data-w=\"%d\">\n",
          NAME_W + PLOT_W + 20, height, total, count, NAME_W, PLOT_W);
  fputs("<defs><marker id=\"head\" viewBox=\"0 0 6 6\" refX=\"6\" refY=\"3\" markerWidth=\"6\" "
        "markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L6,3 L0,6 z\" fill=\"#607d8b\"/>"
        "</marker></defs>\n",
        f);
  /* the axis: 6 ticks across the run */
  fputs("<g class=\"axis\">\n", f);
  for (int i = 0; i <= 5; i++) {
    double t = total * i / 5, x = x_of(t, total);
    fprintf(f,
            "<line class=\"tick\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
            "<text class=\"ticklabel\" x=\"%.1f\" y=\"14\" text-anchor=\"middle\">%.3f</text>\n",
            x, x, TOP - 8, height - 6, x, t);
  }
  fputs("<text class=\"axislabel\" x=\"4\" y=\"14\">time (s)</text>\n</g>\n", f);
  /* lanes */
  for (size_t r = 0; r < count; r++) {
    int lane = order[r];
    const AsyTimelineLane *L = &tl->lanes[lane];
    int y = TOP + (int)r * LANE_H;
    fprintf(f, "<g class=\"lane\" data-task=\"");
    put_escaped(f, L->name);
    fprintf(f, "\" data-depth=\"%d\" data-group=\"%d\">\n", depths[lane], L->group);
    fprintf(f, "<rect class=\"lanebg\" x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", y,
            NAME_W + PLOT_W + 20, LANE_H);
    fprintf(f, "<text class=\"name\" x=\"%d\" y=\"%d\">", 6 + 14 * depths[lane], y + 17);
    put_escaped(f, L->name);
    fprintf(f, "<title>");
    put_escaped(f, L->name);
    if (L->where[0]) {
      fputs(" created at ", f);
      put_escaped(f, L->where);
    }
    if (L->group) fprintf(f, " in group %d", L->group);
    if (L->outcome) {
      fputs("; ", f);
      put_escaped(f, L->outcome);
    } else {
      fputs("; still pending at exit", f);
    }
    fputs("</title></text>\n", f);
    for (size_t s = 0; s < tl->nsegs; s++) {
      const AsyTimelineSegment *S = &tl->segs[s];
      if (S->lane != lane) continue;
      double t1 = S->t1 < 0 ? tl->end : S->t1;
      double x0 = x_of(S->t0, total), w = x_of(t1, total) - x0;
      if (w < 1.5) w = 1.5;
      int h = S->kind == TL_RUN ? BAR_H : BAR_H - 6;
      fprintf(f,
              "<rect class=\"seg %s\" data-t0=\"%.6f\" data-t1=\"%.6f\" x=\"%.2f\" y=\"%d\" "
              "width=\"%.2f\" height=\"%d\"><title>",
              kind_class[S->kind], S->t0, t1, x0, y + (LANE_H - h) / 2, w, h);
      put_escaped(f, L->name);
      fprintf(f, " %.3f-%.3f: ", S->t0, t1);
      put_escaped(f, S->kind == TL_RUN ? "running" : S->label);
      fputs("</title></rect>\n", f);
    }
    fputs("</g>\n", f);
  }
  /* arrows from a parent to the child it spawned, then the markers */
  fputs("<g class=\"arrows\">\n", f);
  for (size_t m = 0; m < tl->nmarks; m++) {
    const AsyTimelineMarker *M = &tl->marks[m];
    if (M->kind != TL_MARK_SPAWN || M->other < 0) continue;
    int y0 = TOP + row[M->lane] * LANE_H + LANE_H / 2;
    int y1 = TOP + row[M->other] * LANE_H + LANE_H / 2;
    fprintf(f, "<path class=\"arrow\" data-t=\"%.6f\" data-y=\"0\" d=\"M0,%d L0,%d\"/>\n", M->t,
            y0 + 4, y1 - 7);
  }
  fputs("</g>\n<g class=\"marks\">\n", f);
  static const char *const mark_class[] = {"spawn",  "cancel_request", "cancelled", "failed",
                                           "timeout", "note",          "done"};
  for (size_t m = 0; m < tl->nmarks; m++) {
    const AsyTimelineMarker *M = &tl->marks[m];
    int y = TOP + row[M->lane] * LANE_H + LANE_H / 2;
    const char *shape;
    switch (M->kind) {
    case TL_MARK_SPAWN: shape = "<circle r=\"3\"/>"; break;
    case TL_MARK_CANCEL_REQUEST: shape = "<path d=\"M-4,-4 L4,4 M-4,4 L4,-4\"/>"; break;
    case TL_MARK_CANCELLED: shape = "<circle r=\"5\"/>"; break;
    case TL_MARK_FAILED: shape = "<rect x=\"-4\" y=\"-4\" width=\"8\" height=\"8\"/>"; break;
    case TL_MARK_TIMEOUT: shape = "<path d=\"M0,-6 L6,0 L0,6 L-6,0 z\"/>"; break;
    case TL_MARK_DONE: shape = "<rect x=\"-1\" y=\"-7\" width=\"2\" height=\"14\"/>"; break;
    default: shape = "<path d=\"M-4,5 L0,-5 L4,5 z\"/>"; break;
    }
    fprintf(f,
            "<g class=\"mark m-%s\" data-t=\"%.6f\" data-y=\"%d\" "
            "transform=\"translate(%.2f,%d)\">%s<title>",
            mark_class[M->kind], M->t, y, x_of(M->t, total), y, shape);
    put_escaped(f, tl->lanes[M->lane].name);
    fprintf(f, " at %.3f: ", M->t);
    if (M->kind == TL_MARK_SPAWN) fputs("spawned ", f);
    put_escaped(f, M->label);
    fputs("</title></g>\n", f);
  }
  fputs("</g>\n</svg>\n<div class=\"legend\">", f);
  for (int k = 0; k < TL_KIND_COUNT; k++)
    fprintf(f, "<span><i style=\"background:%s\"></i>%s</span>", kind_color[k], kind_words[k]);
  fputs("</div>\n", f);
  fprintf(f, "<script>%s</script>\n</body></html>\n", page_script);
  fclose(f);
  free(order), free(depths), free(row);
  asy_timeline_free(tl);
  return 0;
}
