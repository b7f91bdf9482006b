"""
What an analyst does in QGIS, headless: a Basic authcfg holding an API key, an OGC API - Features
layer (restrictToRequestBBOX=1, a filter) and a vector tile layer, each drawn to a PNG. Prints
JSON (feature counts, coloured pixels) for server/auth/qgis.db.test.ts.

Run with Debian's /usr/bin/python3 (python3-qgis), QT_QPA_PLATFORM=offscreen, and
ONEMAP_URL, ONEMAP_KEY, ONEMAP_BBOX (x0,y0,x1,y1), ONEMAP_FILTER (query parameters QGIS 3.22 sends
with every request, as an analyst writes them into the URL), ONEMAP_WHERE (a filter on reportedAt,
which QGIS sends as `datetime=`), ONEMAP_TILE_QUERY, ONEMAP_OUT.
"""
import json
import os
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A throw-away QGIS profile: its own authentication database, no user settings.
profile = tempfile.mkdtemp(prefix="onemap-qgis-")
os.environ["QGIS_AUTH_DB_DIR_PATH"] = profile

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsAuthMethodConfig,
    QgsCoordinateReferenceSystem,
    QgsDataSourceUri,
    QgsFeatureRequest,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsMarkerSymbol,
    QgsRectangle,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
    QgsVectorTileBasicRenderer,
    QgsVectorTileBasicRendererStyle,
    QgsVectorTileLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

app = QgsApplication([], False, profile)
app.setPrefixPath("/usr", True)
app.initQgis()

url = os.environ["ONEMAP_URL"]
key = os.environ["ONEMAP_KEY"]
x0, y0, x1, y1 = (float(v) for v in os.environ["ONEMAP_BBOX"].split(","))
where = os.environ.get("ONEMAP_WHERE", "")
url_filter = os.environ.get("ONEMAP_FILTER", "")
out = os.environ["ONEMAP_OUT"]
extent = QgsRectangle(x0, y0, x1, y1)
result = {"errors": []}

# The Basic authcfg an analyst creates in Settings > Options > Authentication (user name: anything).
auth = QgsApplication.authManager()
auth.setPasswordHelperEnabled(False)
auth.setMasterPassword("onemap-test-master", True)
cfg = QgsAuthMethodConfig("Basic")
cfg.setName("OneMap")
cfg.setConfig("username", "qgis")
cfg.setConfig("password", key)
ok = auth.storeAuthenticationConfig(cfg)
if not (ok if isinstance(ok, bool) else ok[0]):
    result["errors"].append("could not store the authcfg")
authcfg = cfg.id()
result["authcfg"] = authcfg


def render(layer, name):
    """Draws one layer over the extent on white; counts red and blue pixels."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    settings.setExtent(extent)
    settings.setOutputSize(QSize(400, 400))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    path = f"{out}-{name}.png"
    image.save(path, "PNG")
    red = blue = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = QColor(image.pixel(x, y))
            if c.red() > 180 and c.green() < 80 and c.blue() < 80:
                red += 1
            elif c.blue() > 180 and c.red() < 80 and c.green() < 80:
                blue += 1
    for e in job.errors():
        result["errors"].append(f"{name}: {e.layerID}: {e.message}")
    return {"png": path, "red": red, "blue": blue, "width": image.width(), "height": image.height()}


def load_features():
    """OGC API - Features, as the Data Source Manager writes it (filter parameters in the URL)."""
    base = f"{url}/ogc?{url_filter}" if url_filter else f"{url}/ogc"
    features = QgsVectorLayer(f"url='{base}' typename='incidents' authcfg={authcfg} restrictToRequestBBOX=1", "incidents", "OAPIF")
    result["oapifValid"] = features.isValid()
    if features.isValid():
        if where:
            features.setSubsetString(where)
        request = QgsFeatureRequest().setFilterRect(extent)
        result["oapifCount"] = sum(1 for _ in features.getFeatures(request))
        symbol = QgsMarkerSymbol.createSimple({"name": "circle", "color": "255,0,0", "outline_style": "no", "size": "2"})
        features.setRenderer(QgsSingleSymbolRenderer(symbol))
        result["oapif"] = render(features, "oapif")
    else:
        result["errors"].append(f"OAPIF: {features.error().summary()}")


def load_tiles():
    """Vector tiles (Layer > Add Layer > Vector Tile, "XYZ" with the same authcfg)."""
    uri = QgsDataSourceUri()
    uri.setParam("type", "xyz")
    uri.setParam("url", f"{url}/tiles/incidents/{{z}}/{{x}}/{{y}}.mvt{os.environ.get('ONEMAP_TILE_QUERY', '')}")
    uri.setParam("zmin", "0")
    uri.setParam("zmax", "14")
    uri.setAuthConfigId(authcfg)
    tiles = QgsVectorTileLayer(bytes(uri.encodedUri()).decode(), "incidents tiles")
    result["tilesValid"] = tiles.isValid()
    if tiles.isValid():
        style = QgsVectorTileBasicRendererStyle("points", "", QgsWkbTypes.PointGeometry)
        style.setSymbol(QgsMarkerSymbol.createSimple({"name": "circle", "color": "0,0,255", "outline_style": "no", "size": "2"}))
        renderer = QgsVectorTileBasicRenderer()
        renderer.setStyles([style])
        tiles.setRenderer(renderer)
        result["tiles"] = render(tiles, "tiles")
    else:
        result["errors"].append("vector tiles: layer not valid")


for step in (load_features, load_tiles):
    try:
        step()
    except Exception as e:  # a crash is a finding to report, not a lost run
        result["errors"].append(f"{step.__name__}: {type(e).__name__}: {e}")

print(json.dumps(result))
sys.stdout.flush()
# exitQgis() crashes on the way out in 3.22 headless; the output is already flushed.
os._exit(0)
