// pf filter logs as pfSense and OPNsense write them: syslog lines from the "filterlog" program
// whose message is one CSV record per packet,
//   rule,subrule,anchor,tracker,iface,reason,action,dir,4,tos,ecn,ttl,id,offset,flags,
//     protonum,protoname,length,src,dst,<protocol fields>
//   rule,subrule,anchor,tracker,iface,reason,action,dir,6,class,flowlabel,hoplimit,
//     protoname,protonum,length,src,dst,<protocol fields>
// with TCP/UDP "sport,dport,datalen[,flags,seq,ack,window,urg,options]" and ICMP either as
// pfSense prints it ("request,id,seq", "unreachport,dst,proto,port", "timexceed,text" ...) or
// as current OPNsense does ("datalength=N,echoreq,code,id,seq,mtu").
// One line is one packet; src is the originator whatever the direction: "in" on a LAN
// interface is an internal host sending outward.
#pragma once

#include <string_view>

#include "logs/log_reader.h"

namespace callhome {

int sniff_filterlog(std::string_view head);
void read_filterlog(LineReader& lines, const ReadContext& ctx, EventSink& sink,
                    InputReport& report);

}  // namespace callhome
