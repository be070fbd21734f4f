using System.Globalization;
using System.Xml;

namespace TcpActors.Observability.Html;

/// <summary>What both SVG pictures of report.html — the state chart and the ladder — write the same
/// way: the namespace, coordinates, and a text label.</summary>
internal static class SvgMarkup
{
    public const string Namespace = "http://www.w3.org/2000/svg";

    /// <summary>A coordinate with one decimal at most, culture-invariant, so pages are byte-stable.</summary>
    public static string Num(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    public static void Text(XmlWriter w, double x, double y, string text, string cls, string anchor)
    {
        w.WriteStartElement("text", Namespace);
        w.WriteAttributeString("x", Num(x));
        w.WriteAttributeString("y", Num(y));
        w.WriteAttributeString("class", cls);
        w.WriteAttributeString("text-anchor", anchor);
        w.WriteString(text);
        w.WriteEndElement();
    }
}
